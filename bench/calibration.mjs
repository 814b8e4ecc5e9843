// Calibration of perfscope's regression verdicts on this machine, with real workloads.
//
//   npm run build && node bench/calibration.mjs [--trials 100] [--processes 10] [--time 200] [--warmup 100]   (the --versions defaults)
//
// A throwaway git repository holds three tags of the same app (bench/fixtures/versioned-repo.mjs):
//   base  — every benchmark at scale 100
//   same  — the same code (only a comment differs): an A/A comparison
//   slow  — every benchmark at scale 105: exactly 5% more of the same work per operation
// Each trial runs `benchmarkVersions` (worktrees, fresh processes, interleaving) on
// [base, same] and on [base, slow] for one benchmark, alternating, and records perfscope's
// verdict and the brief's naive rule ("more than 10% slower" on the medians) on the same
// runs, plus how long each comparison took. Writes bench/results/calibration.json.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { applyNaiveRule, benchmarkVersions, wilsonInterval } from "../dist/index.js";
import { BENCH_NAMES, makeVersionedRepo } from "./fixtures/versioned-repo.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
};
const trials = arg("trials", 100);
const processes = arg("processes", 10);
const timeMs = arg("time", 200);
const warmupMs = arg("warmup", 100);

const repo = mkdtempSync(path.join(os.tmpdir(), "perfscope-calibration-"));
const slowScale = Object.fromEntries(BENCH_NAMES.map((n) => [n, 105]));
makeVersionedRepo(repo, [{ tag: "base" }, { tag: "same", note: "A/A: same work" }, { tag: "slow", scale: slowScale, note: "5% more work" }]);

const records = [];
const started = Date.now();
for (let t = 0; t < trials; t++) {
  for (const kind of t % 2 === 0 ? ["aa", "slow"] : ["slow", "aa"]) {
    const name = BENCH_NAMES[t % BENCH_NAMES.length];
    const t0 = performance.now();
    const result = await benchmarkVersions({ cwd: repo, versions: ["base", kind === "aa" ? "same" : "slow"], filter: [name], processes, timeMs, warmupMs, build: false });
    const seconds = (performance.now() - t0) / 1000;
    const c = result.steps[0]?.comparisons[0];
    if (!c) throw new Error(`trial ${t} ${kind}: no comparison (${JSON.stringify(result.versions.map((v) => v.state))})`);
    records.push({
      kind,
      benchmark: name,
      verdict: c.verdict,
      naive: applyNaiveRule(c.baselineMedian, c.candidateMedian),
      ratio: c.ratio,
      ratioCi: [c.ratioCi.low, c.ratioCi.high],
      pValue: c.pValue,
      seconds,
    });
    process.stderr.write(`\rtrial ${t + 1}/${trials} ${kind.padEnd(4)} ${name.padEnd(12)} ratio ${c.ratio.toFixed(3)} → ${c.verdict.padEnd(9)} naive ${records.at(-1).naive.padEnd(9)} ${seconds.toFixed(1)} s   `);
  }
}
process.stderr.write("\n");
rmSync(repo, { recursive: true, force: true });

function rate(kind, pick, want) {
  const set = records.filter((r) => r.kind === kind);
  const k = set.filter((r) => pick(r) === want).length;
  const ci = wilsonInterval(k, set.length);
  return { count: k, of: set.length, rate: k / set.length, ci95: [ci.low, ci.high] };
}
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const seconds = records.map((r) => r.seconds);
const meanRatio = (kind) => records.filter((r) => r.kind === kind).reduce((a, r) => a + r.ratio, 0) / records.filter((r) => r.kind === kind).length;

const out = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavgAtEnd: os.loadavg() },
  settings: { trials, processesPerVersion: processes, timeMsPerProcess: timeMs, warmupMsPerProcess: warmupMs, benchmarks: BENCH_NAMES, injectedSlowdown: 0.05 },
  method: records.length > 0 ? "Welch t-test on per-process medians (log scale), α=0.01, noise band ±2%; see comparison.method" : "",
  perfscope: {
    aaNoChange: rate("aa", (r) => r.verdict, "no-change"),
    slowdownDetectedAsSlower: rate("slow", (r) => r.verdict, "slower"),
  },
  naiveTenPercentRule: {
    aaNoChange: rate("aa", (r) => r.naive, "no-change"),
    slowdownDetectedAsSlower: rate("slow", (r) => r.naive, "slower"),
  },
  meanMeasuredRatio: { aa: meanRatio("aa"), slow: meanRatio("slow") },
  secondsPerComparison: { median: quantile(seconds, 0.5), p95: quantile(seconds, 0.95), max: Math.max(...seconds) },
  totalSeconds: (Date.now() - started) / 1000,
  records,
};
writeFileSync(path.join(here, "results", "calibration.json"), `${JSON.stringify(out, null, 2)}\n`);
const pct = (x) => `${(x.rate * 100).toFixed(1)}% (${x.count}/${x.of}, 95% CI ${(x.ci95[0] * 100).toFixed(1)}–${(x.ci95[1] * 100).toFixed(1)}%)`;
console.log(`A/A reported "no change":        perfscope ${pct(out.perfscope.aaNoChange)} · naive 10% rule ${pct(out.naiveTenPercentRule.aaNoChange)}`);
console.log(`5% slowdown reported "slower":   perfscope ${pct(out.perfscope.slowdownDetectedAsSlower)} · naive 10% rule ${pct(out.naiveTenPercentRule.slowdownDetectedAsSlower)}`);
console.log(`time per comparison: median ${out.secondsPerComparison.median.toFixed(1)} s, p95 ${out.secondsPerComparison.p95.toFixed(1)} s`);
