// Benchmark companion to profiler-overhead.mjs: the steady-state cost of V8 sampling at a
// given rate, measured with far less noise than separate processes allow.
//
//   node bench/profiler-overhead-inprocess.mjs [--rates 100,250,500,1000,2000] [--pairs 40] [--chunk 60]
//
// One process, warmed up; it alternates short chunks of the same CPU-bound work with the
// V8 profiler off and on (node:inspector session, the same sampler collectNodeCpuProfile
// drives over a socket), timing only the work inside each chunk. Adjacent chunks see the
// same machine load, so the per-pair ratio cancels most of it on a shared machine.
// Writes bench/results/profiler-overhead-inprocess.json.
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const rates = arg("rates", "100,250,500,1000,2000").split(",").map(Number);
const pairs = Number(arg("pairs", "40"));
const chunkUnits = Number(arg("chunk", "60"));

function work(units) {
  let x = 0;
  for (let u = 0; u < units; u++) {
    for (let i = 1; i < 40_000; i++) x += Math.sqrt(i) * Math.sin(i);
    const m = new Map();
    for (let i = 0; i < 20_000; i++) m.set(`k${i % 500}`, (m.get(`k${i % 500}`) ?? 0) + i);
    x += m.size;
    x += JSON.parse(JSON.stringify({ a: [1, 2, 3], u })).a.length;
    const a = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
    a.sort((p, q) => p - q);
    x += a[2500];
  }
  return x;
}

const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

function timeChunk() {
  const t0 = performance.now();
  work(chunkUnits);
  return performance.now() - t0;
}

async function profiledChunk(rate) {
  await post("Profiler.setSamplingInterval", { interval: Math.round(1e6 / rate) });
  await post("Profiler.start");
  const ms = timeChunk();
  const { profile } = await post("Profiler.stop");
  return { ms, samples: profile.samples.length };
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const round4 = (x) => Math.round(x * 10_000) / 10_000;

await post("Profiler.enable");
for (let i = 0; i < 20; i++) timeChunk(); // warm up the JIT before measuring
const results = [];
for (const rate of rates) {
  const ratios = [];
  let samples = 0;
  let plainMs = 0;
  for (let p = 0; p < pairs; p++) {
    const plainFirst = p % 2 === 0;
    const a = plainFirst ? timeChunk() : await profiledChunk(rate);
    const b = plainFirst ? await profiledChunk(rate) : timeChunk();
    const [plain, profiled] = plainFirst ? [a, b] : [b, a];
    ratios.push(profiled.ms / plain);
    samples += profiled.samples;
    plainMs += plain;
  }
  const s = ratios.sort((x, y) => x - y);
  const row = {
    sampleRateHz: rate,
    ratio: { median: round4(quantile(s, 0.5)), q1: round4(quantile(s, 0.25)), q3: round4(quantile(s, 0.75)), min: round4(s[0]), max: round4(s[s.length - 1]), n: s.length },
    meanChunkMs: round4(plainMs / pairs),
    meanSamplesPerChunk: round4(samples / pairs),
  };
  results.push(row);
  console.log(`${String(rate).padStart(5)} Hz  ratio ${row.ratio.median.toFixed(3)}x (IQR ${row.ratio.q1.toFixed(3)}..${row.ratio.q3.toFixed(3)}), ${row.meanSamplesPerChunk.toFixed(0)} samples per ${row.meanChunkMs.toFixed(0)} ms chunk`);
}
session.disconnect();

const report = {
  benchmark: "profiler-overhead-inprocess",
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, loadavg1AtEnd: round4(os.loadavg()[0]) },
  node: process.version,
  command: `node bench/profiler-overhead-inprocess.mjs --rates ${rates.join(",")} --pairs ${pairs} --chunk ${chunkUnits}`,
  method: "one warmed-up process; alternating chunks of identical work with the V8 profiler off / on at the rate; ratio = profiled/unprofiled chunk time per adjacent pair",
  results,
};
mkdirSync(path.join(here, "results"), { recursive: true });
writeFileSync(path.join(here, "results", "profiler-overhead-inprocess.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log("wrote bench/results/profiler-overhead-inprocess.json");
