// Times flame-graph layout and rendering on a 1,000,000-sample profile (thousands of
// distinct stacks, some 200+ frames deep) and writes bench/results/flamegraph-render.json.
// Uses the built library: run `npm run build` first (or set PERFSCOPE_DIST to a build folder).
// Usage: node bench/flamegraph-render.mjs [--runs 5] [--samples 1000000]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PERFSCOPE_DIST ?? path.join(here, "..", "dist");
const load = async (rel) => {
  try {
    return await import(pathToFileURL(path.join(dist, rel)).href);
  } catch (error) {
    console.error(`cannot load ${path.join(dist, rel)}: build first with \`npm run build\` (or set PERFSCOPE_DIST)`);
    throw error;
  }
};
const { layoutFlameGraph, renderFlameGraphSvg, renderFlameGraphHtml } = await load("flamegraph/index.js");
const { ProfileBuilder } = await load("profile/builder.js");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("runs", 5);
const sampleCount = arg("samples", 1_000_000);
const distinctStacks = 5000;

/** Seeded PRNG so every run times the same profile. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildProfile() {
  const r = rng(1);
  const b = new ProfileBuilder("microseconds", { name: "bench-1M" });
  const frames = Array.from({ length: 300 }, (_, i) => b.internFrame({ name: `fn${i}`, file: `/app/src/m${i % 23}.js`, line: i + 1 }));
  const main = b.internFrame({ name: "main", file: "/app/main.js", line: 1 });
  const nodes = [];
  for (let s = 0; s < distinctStacks; s++) {
    const depth = r() < 0.03 ? 200 + Math.floor(r() * 60) : 1 + Math.floor(r() * 14);
    const path = [main];
    for (let d = 1; d < depth; d++) path.push(frames[Math.floor(r() * frames.length)]);
    nodes.push(b.nodeForFrames(path));
  }
  let time = 0;
  for (let i = 0; i < sampleCount; i++) {
    const w = 50 + Math.floor(r() * 100);
    b.addSample(nodes[Math.floor(Math.pow(r(), 3) * nodes.length)], w, time);
    time += w;
  }
  return b.build();
}

function time(fn) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    out = fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { out, stats: { medianMs: round(ms[Math.floor(ms.length / 2)]), minMs: round(ms[0]), maxMs: round(ms[ms.length - 1]), runs } };
}
const round = (n) => Math.round(n * 10) / 10;

const t0 = process.hrtime.bigint();
const profile = buildProfile();
const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
const full = time(() => layoutFlameGraph(profile, { minWidthFraction: 0 }));
const layout = time(() => layoutFlameGraph(profile));
const svg = time(() => renderFlameGraphSvg(profile));
const html = time(() => renderFlameGraphHtml(profile));

const result = {
  benchmark: "flamegraph-render",
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
  profile: { samples: profile.samples.stack.length, stackNodes: profile.stacks.frame.length, frames: profile.frames.length, maxDepth: full.out.maxDepth, buildMs: round(buildMs) },
  layoutUnpruned: { ...full.stats, rects: full.out.rects.length },
  layoutDefault: { ...layout.stats, rects: layout.out.rects.length, prunedShare: layout.out.pruned.weight / layout.out.totalWeight },
  svg: { ...svg.stats, bytes: Buffer.byteLength(svg.out) },
  html: { ...html.stats, bytes: Buffer.byteLength(html.out) },
};
const outDir = path.join(here, "results");
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "flamegraph-render.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
