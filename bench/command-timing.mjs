// Benchmark: command timing, perfscope's runCommandBenchmarks vs hyperfine, side by side.
//
//   node bench/command-timing.mjs [--runs 20] [--warmup 3] [--rounds 3] [--entry FILE]
//
// The same commands (a 10 ms sleep, Node start-up, a short awk CPU loop) are timed by both
// tools, with the same warmup and run counts, both through `sh -c` (each tool subtracting
// the shell's spawn time its own way) and spawned directly (hyperfine -N, perfscope
// shell: false). The tools alternate, and which goes first alternates by round, so drift of
// this shared machine lands on both. Each tool runs as its own process; for each we record
// the medians/means it reports, their ratio (agreement), and its own overhead: the tool's
// wall time minus the sum of the timed runs it reported (start-up, warmup runs, shell
// calibration, bookkeeping). perfscope is loaded from dist/ when built, else from src via tsx
// (whose start-up then adds to perfscope's process overhead; the in-library figure does not);
// --entry takes any built module that exports runCommandBenchmarks (e.g. an esbuild bundle).
// Writes bench/results/command-timing.json.
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const distEntry = path.join(repo, "dist/bench/run/commands.js");
const srcEntry = path.join(repo, "src/bench/run/commands.ts");
const entryArg = process.argv.indexOf("--entry");
const customEntry = entryArg >= 0 ? path.resolve(process.argv[entryArg + 1]) : undefined;
const entry = customEntry ?? (existsSync(distEntry) ? distEntry : srcEntry);
const loadedFrom = customEntry ? `--entry ${customEntry}` : entry === distEntry ? "dist" : "src via tsx";

const COMMANDS = [
  { id: "sleep-10ms", command: "sleep 0.01" },
  { id: "node-startup", command: "node -e 0" },
  { id: "awk-cpu-loop", command: "awk 'BEGIN{for(i=0;i<300000;i++)s+=i}'" },
];

/** Child mode: one perfscope run, printed as JSON on stdout. */
async function runChild(spec) {
  const { runCommandBenchmarks } = await import(pathToFileURL(entry).href);
  const run = await runCommandBenchmarks({ commands: [spec.command], warmup: spec.warmup, runs: spec.runs, shell: spec.shell ? "sh" : false, suite: "bench" });
  const r = run.results[0];
  if (r.state !== "completed") throw new Error(`perfscope failed: ${r.error.message}`);
  const times = r.samplesByProcess.map((p) => p[0] / 1e9);
  process.stdout.write(JSON.stringify({ times, median: r.stats.median / 1e9, mean: r.stats.mean / 1e9, durationMs: run.durationMs, shellOverheadNs: r.shellOverheadNs ?? null }));
}

function timeProcess(file, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${file} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { wallSeconds, stdout: r.stdout };
}

function measureHyperfine(spec, dir) {
  const out = path.join(dir, "hyperfine.json");
  const args = ["--style", "none", "--warmup", String(spec.warmup), "--runs", String(spec.runs), "--export-json", out];
  if (!spec.shell) args.push("-N");
  args.push("--", spec.command);
  const { wallSeconds } = timeProcess("hyperfine", args);
  const r = JSON.parse(readFileSync(out, "utf8")).results[0];
  const sum = r.times.reduce((a, b) => a + b, 0);
  return { tool: "hyperfine", median: r.median, mean: r.mean, n: r.times.length, wallSeconds, overheadSeconds: wallSeconds - sum };
}

function measurePerfscope(spec) {
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const entryArgs = customEntry ? ["--entry", customEntry] : [];
  const { wallSeconds, stdout } = timeProcess(process.execPath, [...loader, fileURLToPath(import.meta.url), "--child", JSON.stringify(spec), ...entryArgs]);
  const r = JSON.parse(stdout);
  const sum = r.times.reduce((a, b) => a + b, 0);
  return {
    tool: "perfscope",
    median: r.median,
    mean: r.mean,
    n: r.times.length,
    wallSeconds,
    overheadSeconds: wallSeconds - sum,
    // Inside the library only: no Node/tsx start-up, the same warmup and calibration runs.
    libraryOverheadSeconds: r.durationMs / 1000 - sum,
    shellOverheadMs: r.shellOverheadNs === null ? null : r.shellOverheadNs / 1e6,
  };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (seconds) => Math.round(seconds * 1e6) / 1e3;
const r3 = (x) => Math.round(x * 1000) / 1000;

function summarize(runs) {
  const summary = {};
  for (const { id } of COMMANDS) {
    for (const mode of ["shell", "direct"]) {
      const pick = (tool) => runs.filter((r) => r.command === id && r.mode === mode && r.tool === tool);
      const h = pick("hyperfine");
      const p = pick("perfscope");
      if (h.length === 0 || p.length === 0) continue;
      const hMedian = median(h.map((r) => r.median));
      const pMedian = median(p.map((r) => r.median));
      const hMean = median(h.map((r) => r.mean));
      const pMean = median(p.map((r) => r.mean));
      summary[`${id}/${mode}`] = {
        hyperfine: { medianMs: ms(hMedian), meanMs: ms(hMean), overheadMs: ms(median(h.map((r) => r.overheadSeconds))) },
        perfscope: {
          medianMs: ms(pMedian),
          meanMs: ms(pMean),
          overheadMs: ms(median(p.map((r) => r.overheadSeconds))),
          libraryOverheadMs: ms(median(p.map((r) => r.libraryOverheadSeconds))),
          ...(mode === "shell" ? { shellOverheadMs: r3(median(p.map((r) => r.shellOverheadMs))) } : {}),
        },
        // perfscope / hyperfine: 1.0 = the tools agree on the command's time.
        ratioMedian: r3(pMedian / hMedian),
        ratioMean: r3(pMean / hMean),
        // Per round, so the spread of the agreement is visible too.
        ratioMedianByRound: p.map((pr) => r3(pr.median / h.find((hr) => hr.round === pr.round).median)),
      };
    }
  }
  return summary;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return runChild(JSON.parse(args[1]));
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const runsPerTool = opt("--runs", 20);
  const warmup = opt("--warmup", 3);
  const rounds = opt("--rounds", 3);
  const hyperfineVersion = execFileSync("hyperfine", ["--version"], { encoding: "utf8" }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-bench-cmd-"));
  const loadBefore = os.loadavg().map((x) => Math.round(x * 10) / 10);
  const runs = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of ["shell", "direct"]) {
        for (const { id, command } of COMMANDS) {
          const spec = { command, warmup, runs: runsPerTool, shell: mode === "shell" };
          const order = round % 2 === 0 ? ["hyperfine", "perfscope"] : ["perfscope", "hyperfine"];
          for (const tool of order) {
            const m = tool === "hyperfine" ? measureHyperfine(spec, dir) : measurePerfscope(spec);
            runs.push({ round, mode, command: id, ...m, load1: os.loadavg()[0] });
            process.stderr.write(`round ${round + 1}/${rounds} ${mode} ${id} ${tool}: median ${ms(m.median)} ms, overhead ${ms(m.overheadSeconds)} ms\n`);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result = {
    benchmark: "command-timing",
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, hostname: os.hostname() },
    node: process.version,
    loadAverage: { before: loadBefore, after: os.loadavg().map((x) => Math.round(x * 10) / 10), note: "1/5/15-minute load; the machine has 2 cores shared with other jobs" },
    peer: hyperfineVersion,
    perfscopeLoadedFrom: loadedFrom,
    settings: { runs: runsPerTool, warmup, rounds, commands: Object.fromEntries(COMMANDS.map((c) => [c.id, c.command])), modes: { shell: "sh -c, shell spawn time subtracted by each tool", direct: "hyperfine -N / perfscope shell: false" } },
    definitions: {
      ratio: "perfscope / hyperfine of the medians (means) of the per-round medians (means): 1.0 = agreement",
      overheadMs: "the tool process's wall time minus the sum of the timed runs it reported (start-up, warmup runs, shell calibration, shell spawn time of shell-mode runs, bookkeeping), median over rounds",
      libraryOverheadMs: "the same inside runCommandBenchmarks only (BenchRun.durationMs), without Node start-up",
    },
    summary: summarize(runs),
    runs,
  };
  mkdirSync(path.join(here, "results"), { recursive: true });
  writeFileSync(path.join(here, "results/command-timing.json"), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
}

await main();
