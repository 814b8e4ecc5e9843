/**
 * Runs the benchmarks of a set of bench files: each benchmark in several fresh processes,
 * in rounds (round 1 runs every benchmark once, then round 2, ...), so slow drift of the
 * machine (thermal, other load) spreads over all benchmarks instead of hitting the last.
 */
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, join, relative } from "node:path";
import { PerfError } from "../../core/errors.js";
import { computeSampleStats } from "../analyze/sample-stats.js";
import { collectMachineInfo, readGitInfo } from "../machine.js";
import { BENCH_MODEL_VERSION, isNonEmpty, type BenchResult, type BenchRun, type ErroredBenchResult, type NonEmptyArray } from "../model.js";
import { listBenchmarks, runBenchmarkProcess, type ListOutcome } from "./run-process.js";

export type BenchSuiteProgress =
  | { phase: "list"; file: string }
  | { phase: "run"; benchmark: string; file: string; round: number; rounds: number; done: number; total: number }
  | { phase: "measured"; benchmark: string; state: "completed" | "errored"; round: number; done: number; total: number; batchSize?: number };

export interface BenchSuiteOptions {
  files: string[];
  cwd: string;
  /** Benchmark names to run (exact), or a pattern; default all. */
  filter?: string[] | RegExp;
  /** Fresh processes per benchmark (default 5). */
  processes?: number;
  /** Measuring time per process in ms (default 300). */
  timeMs?: number;
  /** Warm-up per process in ms (default 100). */
  warmupMs?: number;
  suite?: string;
  label?: string;
  onProgress?: (event: BenchSuiteProgress) => void;
  /** Stops after the current process; the run then holds what was measured and `partial: true`. */
  signal?: AbortSignal;
}

interface PlannedBench {
  name: string;
  file: string;
  source: string;
  batchSize?: number;
  samples: NonEmptyArray<number>[];
  error?: ErroredBenchResult;
}

/** Lists a few files at a time: listing only imports, so it need not be serial like measuring. */
async function listAll(files: string[], cwd: string, onProgress: BenchSuiteOptions["onProgress"], signal?: AbortSignal): Promise<ListOutcome[]> {
  const outcomes: ListOutcome[] = new Array<ListOutcome>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !signal?.aborted) {
      const i = next++;
      const file = files[i]!;
      onProgress?.({ phase: "list", file });
      outcomes[i] = await listBenchmarks(file, { cwd });
    }
  };
  await Promise.all(Array.from({ length: Math.min(3, files.length) }, worker));
  return outcomes;
}

function toSource(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

function matchFilter(names: string[], filter: string[] | RegExp | undefined): Set<string> {
  if (!filter) return new Set(names);
  const all = [...new Set(names)];
  const known = all.length > 0 ? `Benchmarks found: ${all.map((n) => `"${n}"`).join(", ")}.` : "No benchmarks were found at all.";
  if (Array.isArray(filter)) {
    const unknown = filter.filter((n) => !all.includes(n));
    if (unknown.length > 0) throw new PerfError("USAGE", `no benchmark named ${unknown.map((n) => `"${n}"`).join(", ")}`, { hint: known });
    return new Set(filter);
  }
  // A global/sticky pattern would carry lastIndex from one test() to the next.
  const pattern = new RegExp(filter.source, filter.flags.replace(/[gy]/g, ""));
  const picked = all.filter((n) => pattern.test(n));
  if (picked.length === 0) throw new PerfError("USAGE", `no benchmark matches ${String(filter)}`, { hint: known });
  return new Set(picked);
}

async function readSuiteFromPackage(cwd: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(cwd, "package.json"), "utf8")) as { name?: unknown };
    if (typeof pkg.name === "string" && pkg.name) return pkg.name;
  } catch {
    // No readable package.json: fall back to the folder name.
  }
  return basename(cwd);
}

function planBenchmarks(files: string[], listed: ListOutcome[], options: BenchSuiteOptions): { plan: PlannedBench[]; listErrors: Map<string, ErroredBenchResult> } {
  const listErrors = new Map<string, ErroredBenchResult>();
  const entries: { name: string; file: string }[] = [];
  files.forEach((file, i) => {
    const outcome = listed[i];
    if (!outcome) return;
    const source = toSource(file, options.cwd);
    if (outcome.state === "errored") listErrors.set(file, { state: "errored", name: source, kind: "function", source, error: outcome.error });
    else for (const name of outcome.names) entries.push({ name, file });
  });
  if (entries.length === 0 && listErrors.size === 0 && listed.length === files.length) {
    throw new PerfError("USAGE", `no benchmarks found in ${files.length} bench file(s)`, {
      where: files[0] ? { file: files[0] } : {},
      hint: 'Register benchmarks with bench("name", () => work()), imported from "perfscope" or used as a global.',
    });
  }
  const wanted = matchFilter(entries.map((e) => e.name), options.filter);
  const firstFile = new Map<string, string>();
  const plan: PlannedBench[] = [];
  for (const { name, file } of entries) {
    if (!wanted.has(name)) continue;
    const source = toSource(file, options.cwd);
    const bench: PlannedBench = { name, file, source, samples: [] };
    const earlier = firstFile.get(name);
    if (earlier !== undefined) {
      // Results are keyed by name; two files claiming one name would be indistinguishable.
      bench.error = { state: "errored", name, kind: "function", source, error: { message: `benchmark "${name}" is also defined in ${toSource(earlier, options.cwd)}`, where: file, hint: "Benchmark names must be unique across the bench files of a run." } };
    } else firstFile.set(name, file);
    plan.push(bench);
  }
  return { plan, listErrors };
}

function toResult(bench: PlannedBench): BenchResult | undefined {
  if (bench.error) return bench.error;
  const groups = bench.samples;
  if (!isNonEmpty(groups)) return undefined;
  return { state: "completed", name: bench.name, kind: "function", source: bench.source, unit: "ns", batchSize: bench.batchSize ?? 1, samplesByProcess: groups, stats: computeSampleStats(groups) };
}

/** Lists and runs the benchmarks of `files`; one failing benchmark never stops the others. */
export async function runBenchSuite(options: BenchSuiteOptions): Promise<BenchRun> {
  if (options.files.length === 0) throw new PerfError("USAGE", "no bench files given", { hint: "Name *.bench.ts files or folders holding them." });
  const processes = Math.max(1, Math.floor(options.processes ?? 5));
  const timeMs = options.timeMs ?? 300;
  const warmupMs = options.warmupMs ?? 100;
  const startedAt = new Date();
  const { signal, onProgress } = options;
  const gitPromise = readGitInfo(options.cwd);

  const listed = await listAll(options.files, options.cwd, onProgress, signal);
  const { plan, listErrors } = signal?.aborted ? { plan: [], listErrors: new Map<string, ErroredBenchResult>() } : planBenchmarks(options.files, listed, options);
  let partial = signal?.aborted ?? false;
  const total = plan.filter((b) => !b.error).length * processes;
  let done = 0;
  rounds: for (let round = 1; round <= processes; round++) {
    for (const bench of plan) {
      if (bench.error) continue;
      if (signal?.aborted) {
        partial = true;
        break rounds;
      }
      onProgress?.({ phase: "run", benchmark: bench.name, file: bench.file, round, rounds: processes, done, total });
      const outcome = await runBenchmarkProcess({
        file: bench.file,
        name: bench.name,
        cwd: options.cwd,
        timeMs,
        warmupMs,
        // The first process calibrates; later ones reuse its batch so their samples are alike.
        ...(bench.batchSize !== undefined ? { batchSize: bench.batchSize } : {}),
        ...(signal ? { signal } : {}),
      });
      if (outcome.state === "errored" && signal?.aborted) {
        partial = true;
        break rounds;
      }
      done++;
      if (outcome.state === "errored") {
        const suffix = processes > 1 ? ` (process ${round} of ${processes})` : "";
        bench.error = { state: "errored", name: bench.name, kind: "function", source: bench.source, error: { ...outcome.error, message: outcome.error.message + suffix } };
      } else {
        bench.batchSize ??= outcome.batchSize;
        bench.samples.push(outcome.samples);
      }
      const batch = outcome.state === "completed" ? { batchSize: outcome.batchSize } : {};
      onProgress?.({ phase: "measured", benchmark: bench.name, state: outcome.state, round, done, total, ...batch });
    }
  }

  const results: BenchResult[] = [];
  for (const file of options.files) {
    const listError = listErrors.get(file);
    if (listError) results.push(listError);
    for (const bench of plan) {
      if (bench.file !== file) continue;
      const result = toResult(bench);
      if (result) results.push(result);
    }
  }
  const git = await gitPromise;
  return {
    version: BENCH_MODEL_VERSION,
    suite: options.suite ?? (await readSuiteFromPackage(options.cwd)),
    ...(options.label !== undefined ? { label: options.label } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    machine: collectMachineInfo(),
    ...(git ? { git } : {}),
    results,
    ...(partial ? { partial: true } : {}),
  };
}
