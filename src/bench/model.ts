/**
 * The benchmark model: plain JSON data, shared by the runners (functions, commands, git
 * versions), the statistics, the history store and the reporters. Times are nanoseconds
 * per operation everywhere, so one comparison works for a 3 ns function and a 2 s command.
 */

export const BENCH_MODEL_VERSION = 1;

/** An array the type system knows is not empty: a result always has at least one sample. */
export type NonEmptyArray<T> = [T, ...T[]];

export function isNonEmpty<T>(values: readonly T[]): values is NonEmptyArray<T> {
  return values.length > 0;
}

export type BenchKind = "function" | "command";

/** Summary statistics of one benchmark's samples (ns per operation). */
export interface SampleStats {
  n: number;
  /** How many fresh processes the samples came from. */
  processes: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  stdDev: number;
  /** Median absolute deviation, scaled by 1.4826 so it estimates σ for normal data. */
  mad: number;
  /** Coefficient of variation: stdDev / mean. */
  cv: number;
  p75: number;
  p95: number;
  p99: number;
  /** Bootstrap 95% confidence interval of the median. */
  medianCi: { low: number; high: number; level: number; method: string };
  /** Samples flagged as outliers (kept, never dropped silently). */
  outliers: { low: number; high: number; method: string };
  /** False when the spread makes the result unfit to compare; `warnings` say why. */
  fitToCompare: boolean;
  warnings: string[];
}

export interface BenchError {
  message: string;
  stack?: string;
  /** Where it failed: bench file (and line when known), git ref, or command. */
  where?: string;
  /** What to do about it. */
  hint?: string;
}

interface BenchResultBase {
  name: string;
  kind: BenchKind;
  /** The bench file (functions) or the command line (commands). */
  source: string;
  /** Parameter values of a parameter scan, e.g. { threads: "4" }. */
  params?: Record<string, string>;
}

export interface CompletedBenchResult extends BenchResultBase {
  state: "completed";
  unit: "ns";
  /** Operations timed per sample (auto-calibrated for sub-microsecond functions). */
  batchSize: number;
  /** Every sample, ns per operation, grouped by the process that produced it. */
  samplesByProcess: NonEmptyArray<NonEmptyArray<number>>;
  stats: SampleStats;
  /** How the samples were taken, in words (e.g. a shell's spawn time subtracted). */
  method?: string;
  /** Commands run through a shell: the shell's own spawn time subtracted from every sample, ns. */
  shellOverheadNs?: number;
}

export interface ErroredBenchResult extends BenchResultBase {
  state: "errored";
  error: BenchError;
}

export type BenchResult = CompletedBenchResult | ErroredBenchResult;

export interface MachineInfo {
  /** Stable short hash of hostname + CPU model + cores + platform: the history key. */
  id: string;
  hostname: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  node: string;
}

export interface GitInfo {
  commit: string;
  /** The ref the user named (tag, branch, HEAD), when any. */
  ref?: string;
  dirty?: boolean;
  /** Commit time, ISO 8601: orders history even when runs are stored out of order. */
  committedAt?: string;
}

export interface BenchRun {
  version: typeof BENCH_MODEL_VERSION;
  /** Suite name: the project (package name) or what the user chose. */
  suite: string;
  /** A label for this run: the git ref or version name when comparing versions. */
  label?: string;
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  git?: GitInfo;
  results: BenchResult[];
  /** Stopped early (Ctrl-C, abort): the results hold what was measured until then. */
  partial?: boolean;
}

export type Verdict = "faster" | "slower" | "no-change";

/** One benchmark compared between a baseline and a candidate run. */
export interface BenchComparison {
  name: string;
  params?: Record<string, string>;
  baselineMedian: number;
  candidateMedian: number;
  /** candidate / baseline time: above 1 is slower. */
  ratio: number;
  ratioCi: { low: number; high: number; level: number };
  pValue: number;
  verdict: Verdict;
  /** Changes inside ±noiseBand are never called a change, whatever the p-value. */
  noiseBand: number;
  /** The method in words, printed with every verdict. */
  method: string;
  warnings: string[];
}
