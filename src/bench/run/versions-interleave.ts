import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { PerfError } from "../../core/errors.js";
import { computeSampleStats } from "../analyze/sample-stats.js";
import { isNonEmpty, type BenchError, type BenchResult, type ErroredBenchResult, type GitInfo, type NonEmptyArray } from "../model.js";
import { discoverBenchFiles } from "./discover.js";
import { listBenchmarks, runInterleavedProcess } from "./run-process.js";

/** A version checked out, built, and with its benchmarks listed (name → bench file). */
export interface PreparedVersion {
  ref: string;
  dir: string;
  git: GitInfo;
  suite: string;
  benchmarks: Map<string, string>;
  listErrors: ErroredBenchResult[];
}

/** Lists the benchmarks a version defines; a file that fails to load becomes an errored result. */
export async function collectVersionBenchmarks(version: PreparedVersion, relPaths: string[]): Promise<void> {
  const roots = relPaths.length > 0 ? relPaths.map((p) => join(version.dir, p)).filter((p) => existsSync(p)) : [version.dir];
  // A bench folder that a version predates simply has no benchmarks there.
  const files = roots.length > 0 ? await discoverBenchFiles(roots, version.dir) : [];
  for (const file of files) {
    const listed = await listBenchmarks(file, { cwd: version.dir });
    const source = relative(version.dir, file);
    if (listed.state === "errored") {
      version.listErrors.push({ state: "errored", name: source, kind: "function", source, error: listed.error });
      continue;
    }
    for (const name of listed.names) if (!version.benchmarks.has(name)) version.benchmarks.set(name, file);
  }
}

export interface InterleaveOptions {
  filter?: string[] | RegExp;
  processes: number;
  timeMs: number;
  warmupMs: number;
  signal?: AbortSignal;
  onProgress?: (event: { phase: "run"; ref: string; benchmark: string; done: number; total: number }) => void;
}

export interface InterleaveResult {
  results: Map<string, BenchResult[]>;
  startedAt: string;
  durationMs: number;
  partial: boolean;
}

function selectNames(versions: PreparedVersion[], filter: string[] | RegExp | undefined): string[] {
  const all = [...new Set(versions.flatMap((v) => [...v.benchmarks.keys()]))];
  if (!filter) return all;
  const picked = Array.isArray(filter) ? all.filter((n) => filter.includes(n)) : all.filter((n) => filter.test(n));
  const unknown = Array.isArray(filter) ? filter.filter((n) => !all.includes(n)) : [];
  if (picked.length === 0 || unknown.length > 0) {
    throw new PerfError("USAGE", `no benchmark named ${unknown.length > 0 ? unknown.map((n) => `"${n}"`).join(", ") : String(filter)}`, {
      hint: all.length > 0 ? `Benchmarks found: ${all.join(", ")}` : "No bench files found: write *.bench.ts files with bench(name, fn).",
    });
  }
  return picked;
}

/**
 * Round r runs every benchmark once, in one fresh process holding every version that has
 * it: the versions take turns batch by batch (measure-interleaved.ts), so a machine whose
 * speed drifts treats them alike. The load order rotates each round. The first round fixes
 * each benchmark's batch size for all later rounds.
 */
export async function runInterleaved(versions: PreparedVersion[], options: InterleaveOptions): Promise<InterleaveResult> {
  const names = selectNames(versions, options.filter);
  const startedAt = new Date();
  const samples = new Map<string, number[][]>();
  const failed = new Map<string, ErroredBenchResult>();
  const batch = new Map<string, number>();
  const key = (ref: string, name: string): string => `${ref}\u0000${name}`;
  const total = names.length * options.processes;
  let done = 0;
  let partial = false;
  const fail = (version: PreparedVersion, name: string, error: BenchError): void => {
    const file = version.benchmarks.get(name) ?? version.dir;
    failed.set(key(version.ref, name), { state: "errored", name, kind: "function", source: relative(version.dir, file), error });
  };
  outer: for (let round = 0; round < options.processes; round++) {
    for (const name of names) {
      if (options.signal?.aborted) {
        partial = true;
        break outer;
      }
      const rotated = versions.map((_, i) => versions[(i + round) % versions.length]!);
      let active = rotated.filter((v) => v.benchmarks.has(name) && !failed.has(key(v.ref, name)));
      options.onProgress?.({ phase: "run", ref: active.map((v) => v.ref).join(" ⇄ "), benchmark: name, done, total });
      while (active.length > 0) {
        const size = batch.get(name);
        const outcome = await runInterleavedProcess({
          name,
          versions: active.map((v) => ({ file: v.benchmarks.get(name)!, cwd: v.dir })),
          timeMs: options.timeMs,
          warmupMs: options.warmupMs,
          ...(size !== undefined ? { batchSize: size } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (outcome.state === "completed") {
          if (size === undefined) batch.set(name, outcome.batchSize);
          active.forEach((v, i) => {
            const list = samples.get(key(v.ref, name)) ?? [];
            list.push(outcome.samples[i]!);
            samples.set(key(v.ref, name), list);
          });
          break;
        }
        if (options.signal?.aborted) {
          partial = true;
          break outer;
        }
        if (outcome.index !== undefined || active.length === 1) {
          // That version is out for this benchmark; the others run this round again.
          fail(active[outcome.index ?? 0]!, name, outcome.error);
          active = active.filter((_, i) => i !== (outcome.index ?? 0));
          continue;
        }
        // A crash or hang without a culprit: measure each version alone to find it.
        const alone: PreparedVersion[] = [];
        for (const v of active) {
          const single = await runInterleavedProcess({
            name,
            versions: [{ file: v.benchmarks.get(name)!, cwd: v.dir }],
            timeMs: 1,
            warmupMs: 1,
            minSamples: 1,
            ...(options.signal ? { signal: options.signal } : {}),
          });
          if (single.state === "errored") fail(v, name, single.error);
          else alone.push(v);
        }
        if (alone.length === active.length) {
          for (const v of active) fail(v, name, outcome.error);
          break;
        }
        active = alone;
      }
      done++;
    }
  }
  const results = new Map<string, BenchResult[]>();
  for (const version of versions) {
    const list: BenchResult[] = [...version.listErrors];
    for (const name of names) {
      const file = version.benchmarks.get(name);
      if (!file) continue;
      const error = failed.get(key(version.ref, name));
      if (error) {
        list.push(error);
        continue;
      }
      const groups = (samples.get(key(version.ref, name)) ?? []).filter((g): g is NonEmptyArray<number> => isNonEmpty(g));
      if (!isNonEmpty(groups)) continue;
      list.push({
        state: "completed",
        name,
        kind: "function",
        source: relative(version.dir, file),
        unit: "ns",
        batchSize: batch.get(name) ?? 1,
        samplesByProcess: groups,
        stats: computeSampleStats(groups),
      });
    }
    results.set(version.ref, list);
  }
  return { results, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), partial };
}
