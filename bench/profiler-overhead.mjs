// Benchmark: CPU-profiler overhead of collectNodeCpuProfile (V8 inspector) by sample rate.
//
//   npx tsc -p tsconfig.build.json && node bench/profiler-overhead.mjs [--rates 100,250,1000] [--rounds 21] [--units 6]
//
// Runs a fixed CPU-bound workload (bench/profiler-overhead-workload.mjs) unprofiled and
// profiled, alternating, several rounds per rate, and reports per rate the median ratio
// profiled/unprofiled with its spread (min..max and interquartile range of the per-pair
// ratios) for two clocks:
//   - workload: the time the program measures around its own work (excludes node start-up);
//   - cpu: the CPU time (user+system, all threads) of the process over that work: far less
//     disturbed than wall time when other jobs share the machine;
//   - wall: spawn to result, incl. node start-up, the inspector handshake, and for the
//     profiled run stopping the profiler and converting the profile.
// The budget is <= 1.05x; the default rate is the highest one tried whose median
// workload ratio stays within it. Writes bench/results/profiler-overhead.json.
import { performance } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const { collectNodeCpuProfile, DEFAULT_SAMPLE_RATE_HZ } = await import(pathToFileURL(path.join(repo, "dist/profile/collect/index.js")).href);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const rates = arg("rates", "100,250,1000").split(",").map(Number);
const rounds = Number(arg("rounds", "21"));
const units = arg("units", "6");
const workload = path.join(here, "profiler-overhead-workload.mjs");
const BUDGET = 1.05;

function parseWorkload(stdout) {
  const m = /workload-ms=([\d.]+) workload-cpu-ms=([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`workload printed no time: ${stdout.slice(0, 200)}`);
  return { workloadMs: Number(m[1]), cpuMs: Number(m[2]) };
}

function runPlain() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [workload, units], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`workload exited with ${code}`));
      resolve({ wallMs: performance.now() - t0, ...parseWorkload(out) });
    });
  });
}

// Ctrl-C aborts the collection in flight, so its target is stopped rather than left behind.
const interrupt = new globalThis.AbortController();
process.once("SIGINT", () => interrupt.abort("bench interrupted"));

async function runProfiled(rate) {
  const t0 = performance.now();
  const result = await collectNodeCpuProfile({ command: [process.execPath, workload, units], sampleRateHz: rate, stdio: "pipe", signal: interrupt.signal });
  if (result.partial) throw new Error(`profiled run incomplete: ${result.partial.reason}`);
  return { wallMs: performance.now() - t0, ...parseWorkload(result.output.stdout), samples: result.profile.samples.stack.length };
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75), min: s[0], max: s[s.length - 1], n: s.length };
}

const round3 = (x) => Math.round(x * 1000) / 1000;
const fmt = (s) => `${s.median.toFixed(3)}x (IQR ${s.q1.toFixed(3)}..${s.q3.toFixed(3)}, range ${s.min.toFixed(3)}..${s.max.toFixed(3)})`;

// Short runs and many alternating pairs: on a shared machine, load comes and goes over
// seconds, so adjacent short runs see similar conditions and the per-pair ratio cancels it.
// Warm the page cache and JIT-independent parts once, unmeasured.
await runPlain();
const perRate = [];
for (const rate of rates) {
  const pairs = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so drift (thermal, other load) does not favour one arm.
    const plainFirst = r % 2 === 0;
    const a = plainFirst ? await runPlain() : await runProfiled(rate);
    const b = plainFirst ? await runProfiled(rate) : await runPlain();
    const [plain, profiled] = plainFirst ? [a, b] : [b, a];
    pairs.push({ plain, profiled });
    process.stderr.write(`rate ${rate} Hz round ${r + 1}/${rounds}: workload ${plain.workloadMs.toFixed(0)} -> ${profiled.workloadMs.toFixed(0)} ms, cpu ${plain.cpuMs.toFixed(0)} -> ${profiled.cpuMs.toFixed(0)} ms, wall ${plain.wallMs.toFixed(0)} -> ${profiled.wallMs.toFixed(0)} ms\n`);
  }
  const workloadRatio = summarize(pairs.map((p) => p.profiled.workloadMs / p.plain.workloadMs));
  const cpuRatio = summarize(pairs.map((p) => p.profiled.cpuMs / p.plain.cpuMs));
  const wallRatio = summarize(pairs.map((p) => p.profiled.wallMs / p.plain.wallMs));
  perRate.push({
    sampleRateHz: rate,
    workloadRatio: Object.fromEntries(Object.entries(workloadRatio).map(([k, v]) => [k, round3(v)])),
    cpuRatio: Object.fromEntries(Object.entries(cpuRatio).map(([k, v]) => [k, round3(v)])),
    wallRatio: Object.fromEntries(Object.entries(wallRatio).map(([k, v]) => [k, round3(v)])),
    medianPlainWorkloadMs: round3(summarize(pairs.map((p) => p.plain.workloadMs)).median),
    medianProfiledWorkloadMs: round3(summarize(pairs.map((p) => p.profiled.workloadMs)).median),
    medianPlainCpuMs: round3(summarize(pairs.map((p) => p.plain.cpuMs)).median),
    medianProfiledCpuMs: round3(summarize(pairs.map((p) => p.profiled.cpuMs)).median),
    medianPlainWallMs: round3(summarize(pairs.map((p) => p.plain.wallMs)).median),
    medianProfiledWallMs: round3(summarize(pairs.map((p) => p.profiled.wallMs)).median),
    medianSamples: summarize(pairs.map((p) => p.profiled.samples)).median,
    // Both the program's own clock and its CPU time must stay within the budget.
    withinBudget: workloadRatio.median <= BUDGET && cpuRatio.median <= BUDGET,
  });
  console.log(`${String(rate).padStart(5)} Hz  workload ${fmt(workloadRatio)}  cpu ${fmt(cpuRatio)}  wall ${fmt(wallRatio)}`);
}

const fitting = perRate.filter((r) => r.withinBudget).map((r) => r.sampleRateHz);
const recommended = fitting.length > 0 ? Math.max(...fitting) : null;
console.log(`budget ${BUDGET}x on the workload and cpu clocks: highest rate within it = ${recommended ?? "none"} Hz; current DEFAULT_SAMPLE_RATE_HZ = ${DEFAULT_SAMPLE_RATE_HZ}`);

const report = {
  benchmark: "profiler-overhead",
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, loadavg1AtEnd: round3(os.loadavg()[0]) },
  node: process.version,
  command: `node bench/profiler-overhead.mjs --rates ${rates.join(",")} --rounds ${rounds} --units ${units}`,
  method: "alternating pairs (unprofiled, profiled by collectNodeCpuProfile); ratio = profiled/unprofiled per pair; workload clock = the program's own timing of its work; cpu = process CPU time (all threads) over the work; wall clock = spawn to result incl. start-up, inspector handshake, stop and conversion",
  budget: BUDGET,
  rounds,
  results: perRate,
  highestRateWithinBudgetHz: recommended,
  defaultSampleRateHz: DEFAULT_SAMPLE_RATE_HZ,
};
mkdirSync(path.join(here, "results"), { recursive: true });
writeFileSync(path.join(here, "results", "profiler-overhead.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log("wrote bench/results/profiler-overhead.json");
