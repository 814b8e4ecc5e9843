import { relative, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";
import { compareRuns } from "../analyze/compare.js";
import { collectMachineInfo, readGitInfo } from "../machine.js";
import { BENCH_MODEL_VERSION, type BenchComparison, type BenchError, type BenchRun } from "../model.js";
import { addWorktree, buildWorktree, findRepoRoot, planBuildSteps, removeWorktree, type Worktree } from "./git-worktree.js";
import { collectVersionBenchmarks, runInterleaved, type PreparedVersion } from "./versions-interleave.js";

/**
 * Version comparisons default to 10 rounds of 200 ms per version: calibrated on this 2-core
 * VM (bench/calibration.mjs), 5 rounds left a paired t-test with 4 degrees of freedom too
 * weak to call a 5% slowdown reliably at α = 0.01.
 */
export const DEFAULT_VERSION_PROCESSES = 10;
export const DEFAULT_VERSION_TIME_MS = 200;

/** "." stands for the working tree as it is now, uncommitted changes included. */
export const WORKING_TREE = ".";

export interface VersionsOptions {
  cwd: string;
  versions: string[];
  /** Bench files or folders, relative to the repository root (default: the whole repo). */
  paths?: string[];
  filter?: string[] | RegExp;
  processes?: number;
  timeMs?: number;
  warmupMs?: number;
  /** Install/build command per version; false skips it; undefined detects npm ci + build. */
  build?: string | false;
  keepWorktrees?: boolean;
  suite?: string;
  noiseBand?: number;
  alpha?: number;
  onProgress?: (event: VersionsProgress) => void;
  signal?: AbortSignal;
}

export type VersionsProgress =
  | { phase: "checkout" | "build" | "list"; ref: string }
  | { phase: "run"; ref: string; benchmark: string; done: number; total: number };

export type VersionOutcome =
  | { ref: string; state: "completed"; commit: string; run: BenchRun }
  | { ref: string; state: "errored"; commit?: string; error: BenchError };

export interface VersionStep {
  from: string;
  to: string;
  comparisons: BenchComparison[];
  missing: { name: string; reason: string }[];
}

export interface VersionsResult {
  versions: VersionOutcome[];
  /** Comparisons between consecutive versions that ran (a version that failed is skipped). */
  steps: VersionStep[];
  regressions: (BenchComparison & { from: string; to: string })[];
  partial: boolean;
}

/**
 * Benchmarks several git versions of one repository: each ref in its own worktree, built,
 * then every benchmark run in fresh processes interleaved across versions (v1, v2, v3, v1,
 * v2, v3, ...), so slow drift of the machine lands on every version alike.
 */
export async function benchmarkVersions(options: VersionsOptions): Promise<VersionsResult> {
  if (options.versions.length === 0) throw new PerfError("USAGE", "no versions given", { hint: "Example: --versions v1.0.0,v1.1.0,HEAD" });
  const twice = options.versions.find((r, i) => options.versions.indexOf(r) !== i);
  if (twice) throw new PerfError("USAGE", `version "${twice}" is listed twice`, { hint: "List each ref once." });
  const repo = await findRepoRoot(resolve(options.cwd));
  const relPaths = (options.paths ?? []).map((p) => relative(repo, resolve(options.cwd, p)) || ".");
  const created: Worktree[] = [];
  const outcomes = new Map<string, VersionOutcome>();
  const prepared: PreparedVersion[] = [];
  try {
    for (const ref of options.versions) {
      if (options.signal?.aborted) break;
      const ready = await prepareVersion(repo, ref, options, created);
      if ("error" in ready) outcomes.set(ref, { ref, state: "errored", ...(ready.commit ? { commit: ready.commit } : {}), error: ready.error });
      else prepared.push(ready);
    }
    for (const version of prepared) {
      options.onProgress?.({ phase: "list", ref: version.ref });
      await collectVersionBenchmarks(version, relPaths);
    }
    const measured = await runInterleaved(prepared, {
      filter: options.filter,
      processes: options.processes ?? DEFAULT_VERSION_PROCESSES,
      timeMs: options.timeMs ?? DEFAULT_VERSION_TIME_MS,
      warmupMs: options.warmupMs ?? 100,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const machine = collectMachineInfo();
    for (const version of prepared) {
      const run: BenchRun = {
        version: BENCH_MODEL_VERSION,
        suite: options.suite ?? version.suite,
        label: version.ref,
        startedAt: measured.startedAt,
        durationMs: measured.durationMs,
        machine,
        git: version.git,
        results: measured.results.get(version.ref) ?? [],
        ...(measured.partial ? { partial: true } : {}),
      };
      outcomes.set(version.ref, { ref: version.ref, state: "completed", commit: version.git.commit, run });
    }
    const ordered = options.versions.map((ref) => outcomes.get(ref)).filter((o): o is VersionOutcome => o !== undefined);
    const steps = compareConsecutive(ordered, options);
    const regressions = steps.flatMap((s) => s.comparisons.filter((c) => c.verdict === "slower").map((c) => ({ ...c, from: s.from, to: s.to })));
    return { versions: ordered, steps, regressions, partial: measured.partial };
  } finally {
    if (!options.keepWorktrees) for (const tree of created) await removeWorktree(repo, tree);
  }
}

async function prepareVersion(
  repo: string,
  ref: string,
  options: VersionsOptions,
  created: Worktree[],
): Promise<PreparedVersion | { error: BenchError; commit?: string }> {
  if (ref === WORKING_TREE) {
    const git = (await readGitInfo(repo)) ?? { commit: "working-tree" };
    return { ref, dir: repo, git: { ...git, ref: WORKING_TREE }, suite: await readSuiteName(repo), benchmarks: new Map(), listErrors: [] };
  }
  options.onProgress?.({ phase: "checkout", ref });
  let tree: Worktree;
  try {
    tree = await addWorktree(repo, ref);
  } catch (error) {
    return { error: toBenchError(error, ref) };
  }
  created.push(tree);
  try {
    options.onProgress?.({ phase: "build", ref });
    await buildWorktree(tree, await planBuildSteps(tree.dir, options.build), options.signal);
  } catch (error) {
    return { error: toBenchError(error, ref), commit: tree.commit };
  }
  return {
    ref,
    dir: tree.dir,
    git: { commit: tree.commit, ref, committedAt: tree.committedAt, dirty: false },
    suite: await readSuiteName(tree.dir),
    benchmarks: new Map(),
    listErrors: [],
  };
}

function compareConsecutive(outcomes: VersionOutcome[], options: VersionsOptions): VersionStep[] {
  const ran = outcomes.filter((o): o is Extract<VersionOutcome, { state: "completed" }> => o.state === "completed");
  const steps: VersionStep[] = [];
  for (let i = 1; i < ran.length; i++) {
    const from = ran[i - 1]!;
    const to = ran[i]!;
    // Versions ran in the same interleaved rounds, so process i of each side is a pair.
    const { comparisons, missing } = compareRuns(from.run, to.run, {
      paired: true,
      ...(options.noiseBand !== undefined ? { noiseBand: options.noiseBand } : {}),
      ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    });
    steps.push({ from: from.ref, to: to.ref, comparisons, missing });
  }
  return steps;
}

export async function readSuiteName(dir: string): Promise<string> {
  try {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(resolve(dir, "package.json"), "utf8")) as { name?: unknown };
    if (typeof pkg.name === "string" && pkg.name) return pkg.name;
  } catch {
    // No package.json: fall back to the folder name.
  }
  return resolve(dir).split("/").pop() || "bench";
}

function toBenchError(error: unknown, ref: string): BenchError {
  if (error instanceof PerfError) {
    return { message: error.message, where: error.where?.file ? `${ref} (${error.where.file})` : ref, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return { message: error instanceof Error ? error.message : String(error), where: ref };
}
