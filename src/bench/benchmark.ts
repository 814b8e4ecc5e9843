import { resolve } from "node:path";
import { PerfError } from "../core/errors.js";
import { parseDuration } from "../core/units.js";
import type { BenchError, BenchRun, SampleStats } from "./model.js";
import { discoverBenchFiles } from "./run/discover.js";
import { runBenchSuite } from "./run/run-suite.js";
import { benchmarkVersions, readSuiteName, WORKING_TREE } from "./run/versions.js";
import { saveBenchRun } from "./save-run.js";

export interface BenchmarkOptions {
  /** A git ref (tag, branch, commit) to benchmark in its own worktree; omitted or "." = the working tree. */
  version?: string;
  /** Benchmark names to run (default: every bench(...) found). */
  tests?: string[];
  /** Bench files or folders (default: every *.bench.ts under the repository or cwd). */
  paths?: string[];
  cwd?: string;
  /** Fresh processes per benchmark (default 5). */
  processes?: number;
  /** Measuring time per process: "300ms", "1s", or ms (default 300 ms). */
  time?: string | number;
  warmup?: string | number;
  /** Install/build command for a version (default: npm ci + npm run build when present). */
  build?: string | false;
  /** History store location (SQLite path or postgres:// URL); false = do not store. */
  history?: string | false;
  out?: string;
  suite?: string;
  signal?: AbortSignal;
}

/** What a benchmark reports to a script: times in ns per operation, with their spread. */
export interface BenchmarkSummary {
  unit: "ns";
  median: number;
  mean: number;
  p75: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  stdDev: number;
  mad: number;
  cv: number;
  /** Bootstrap 95% confidence interval of the median. */
  ci95: [number, number];
  opsPerSecond: number;
  samples: number;
  processes: number;
  fitToCompare: boolean;
  warnings: string[];
}

/** Keys are benchmark names (as the brief indexes them); run, errors and files ride along unenumerated. */
export type BenchmarkReport = Record<string, BenchmarkSummary> & {
  readonly run: BenchRun;
  readonly errors: { name: string; error: BenchError }[];
  readonly outputFile: string;
  readonly historyId: number | undefined;
};

export function summarizeStats(stats: SampleStats): BenchmarkSummary {
  return {
    unit: "ns",
    median: stats.median,
    mean: stats.mean,
    p75: stats.p75,
    p95: stats.p95,
    p99: stats.p99,
    min: stats.min,
    max: stats.max,
    stdDev: stats.stdDev,
    mad: stats.mad,
    cv: stats.cv,
    ci95: [stats.medianCi.low, stats.medianCi.high],
    opsPerSecond: stats.median > 0 ? 1e9 / stats.median : Number.POSITIVE_INFINITY,
    samples: stats.n,
    processes: stats.processes,
    fitToCompare: stats.fitToCompare,
    warnings: stats.warnings,
  };
}

function toMs(value: string | number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === "number" ? value : parseDuration(value);
  if (parsed === null || !(parsed > 0)) throw new PerfError("USAGE", `${name} must be a positive duration, got ${JSON.stringify(value)}`, { hint: 'Use e.g. "300ms" or "1s".' });
  return parsed;
}

/**
 * `benchmark({ version, tests })` from the brief: runs the named benchmarks of one version
 * (a git ref, checked out in its own worktree and built) and returns their statistics
 * keyed by name. Every run is saved to its run folder and to the history store.
 */
export async function benchmark(options: BenchmarkOptions = {}): Promise<BenchmarkReport> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const timeMs = toMs(options.time, "time", 300);
  const warmupMs = toMs(options.warmup, "warmup", 100);
  const processes = options.processes ?? 5;
  let run: BenchRun;
  if (options.version !== undefined && options.version !== WORKING_TREE) {
    const result = await benchmarkVersions({
      cwd,
      versions: [options.version],
      ...(options.paths ? { paths: options.paths } : {}),
      ...(options.tests ? { filter: options.tests } : {}),
      ...(options.build !== undefined ? { build: options.build } : {}),
      ...(options.suite ? { suite: options.suite } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      processes,
      timeMs,
      warmupMs,
    });
    const outcome = result.versions[0];
    if (!outcome || outcome.state === "errored") {
      throw new PerfError("TARGET_NOT_FOUND", outcome ? outcome.error.message : `version ${options.version} did not run`, {
        where: { file: cwd },
        ...(outcome?.state === "errored" && outcome.error.hint ? { hint: outcome.error.hint } : {}),
      });
    }
    run = outcome.run;
  } else {
    const files = await discoverBenchFiles(options.paths && options.paths.length > 0 ? options.paths : cwd, cwd);
    if (files.length === 0) {
      throw new PerfError("USAGE", `no *.bench.ts files found under ${cwd}`, { hint: 'Write a file like bench/app.bench.ts with bench("name", () => work()).' });
    }
    run = await runBenchSuite({
      files,
      cwd,
      suite: options.suite ?? (await readSuiteName(cwd)),
      ...(options.tests ? { filter: options.tests } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      processes,
      timeMs,
      warmupMs,
    });
  }
  const saved = await saveBenchRun(run, { cwd, ...(options.out ? { out: options.out } : {}), history: options.history ?? undefined });
  return buildReport(run, saved.files.run, saved.historyId);
}

export function buildReport(run: BenchRun, outputFile: string, historyId: number | undefined): BenchmarkReport {
  const report = {} as Record<string, BenchmarkSummary>;
  const errors: { name: string; error: BenchError }[] = [];
  for (const result of run.results) {
    if (result.state === "completed") report[result.name] = summarizeStats(result.stats);
    else errors.push({ name: result.name, error: result.error });
  }
  Object.defineProperties(report, {
    run: { value: run, enumerable: false },
    errors: { value: errors, enumerable: false },
    outputFile: { value: outputFile, enumerable: false },
    historyId: { value: historyId, enumerable: false },
  });
  return report as BenchmarkReport;
}

/** The report's benchmarks as typed pairs (Object.entries cannot see past the extra fields' types). */
export function listBenchmarkSummaries(report: BenchmarkReport): [string, BenchmarkSummary][] {
  return Object.keys(report).map((name) => [name, report[name] as BenchmarkSummary]);
}
