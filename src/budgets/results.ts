/**
 * Finding the results a budget is checked against: the newest bench and load runs under
 * `.perfscope/runs/`, or the files and folders the user names. Every file is validated;
 * a corrupt one is a MALFORMED_INPUT error with the file and line.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { PerfError } from "../core/errors.js";
import { parseJsonWithLocations } from "./json-locate.js";
import type { BudgetResults } from "./model.js";
import { BenchComparisonsSchema, BenchRunSchema, LoadResultSchema } from "./result-schemas.js";
import { readWebFieldResults } from "./web-results.js";

export const BENCH_RUN_FILE = "bench-run.json";
export const BENCH_COMPARISONS_FILE = "comparisons.json";
export const LOAD_RESULT_FILE = "load-result.json";

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Reads a JSON result file and validates it; errors name the file, the line and the field. */
export async function readResultFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  const located = parseJsonWithLocations(await readFile(file, "utf8"), file);
  const checked = schema.safeParse(located.value);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0]!;
  const line = located.locate(issue.path)?.line;
  const field = issue.path.join(".") || "(top level)";
  throw new PerfError("MALFORMED_INPUT", `${file} is not a valid ${what}: ${field}: ${issue.message}${checked.error.issues.length > 1 ? ` (and ${checked.error.issues.length - 1} more problems)` : ""}.`, {
    where: { file, ...(line !== undefined ? { line } : {}) },
    hint: `Re-run the command that wrote it, or point --results elsewhere. perfscope writes ${what}s as ${what === "bench run" ? BENCH_RUN_FILE : what === "load result" ? LOAD_RESULT_FILE : BENCH_COMPARISONS_FILE}.`,
  });
}

/** The newest `<stamp>-<kind>/` folder under `runsDir` that holds `file` (stamps sort by time). */
async function findNewestRun(runsDir: string, kind: string, file: string): Promise<string | undefined> {
  const entries = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    // Version comparisons save one folder per ref: <stamp>-bench-<ref>.
    .filter((e) => e.isDirectory() && (e.name.endsWith(`-${kind}`) || e.name.includes(`-${kind}-`)))
    .map((e) => e.name)
    .sort()
    .reverse();
  for (const dir of dirs) {
    const candidate = join(runsDir, dir, file);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

async function addBenchRun(results: BudgetResults, file: string): Promise<void> {
  if (results.bench) throw twoOf("bench runs", results.sources?.bench, file);
  results.bench = await readResultFile(file, BenchRunSchema, "bench run");
  results.sources = { ...results.sources, bench: file };
  const comparisons = join(dirname(file), BENCH_COMPARISONS_FILE);
  if (!results.benchComparisons && (await exists(comparisons))) await addComparisons(results, comparisons);
}

async function addComparisons(results: BudgetResults, file: string): Promise<void> {
  if (results.benchComparisons) throw twoOf("bench comparison files", results.sources?.benchComparisons, file);
  results.benchComparisons = await readResultFile(file, BenchComparisonsSchema, "bench comparison list");
  results.sources = { ...results.sources, benchComparisons: file };
}

async function addLoadResult(results: BudgetResults, file: string): Promise<void> {
  if (results.load) throw twoOf("load results", results.sources?.load, file);
  results.load = await readResultFile(file, LoadResultSchema, "load result");
  results.sources = { ...results.sources, load: file };
}

function twoOf(what: string, first: string | undefined, second: string): PerfError {
  return new PerfError("USAGE", `Two ${what} given (${first ?? "?"} and ${second}); a budget check reads one of each.`, { hint: "Pass one bench run and one load run with --results." });
}

async function addNewestFrom(results: BudgetResults, runsDir: string): Promise<void> {
  const bench = await findNewestRun(runsDir, "bench", BENCH_RUN_FILE);
  const load = await findNewestRun(runsDir, "load", LOAD_RESULT_FILE);
  if (bench) await addBenchRun(results, bench);
  if (load) await addLoadResult(results, load);
}

/** The newest `.perfscope/runs/*-bench/bench-run.json` (with its comparisons.json) and `*-load/load-result.json`. */
export async function findLatestResults(cwd: string, options: { rumStore?: string } = {}): Promise<BudgetResults> {
  const results: BudgetResults = { cwd };
  await addNewestFrom(results, join(cwd, ".perfscope", "runs"));
  const web = await readWebFieldResults(cwd, options.rumStore);
  if (web) {
    results.web = web;
    results.sources = { ...results.sources, web: web.source };
  }
  return results;
}

/** Detects what a JSON result file holds from its shape. */
async function addResultFile(results: BudgetResults, file: string): Promise<void> {
  const name = basename(file);
  if (name === BENCH_COMPARISONS_FILE) return addComparisons(results, file);
  if (name === BENCH_RUN_FILE) return addBenchRun(results, file);
  if (name === LOAD_RESULT_FILE) return addLoadResult(results, file);
  const value = parseJsonWithLocations(await readFile(file, "utf8"), file).value;
  if (Array.isArray(value)) return addComparisons(results, file);
  if (value && typeof value === "object" && "suite" in value && "results" in value) return addBenchRun(results, file);
  if (value && typeof value === "object" && "target" in value && "latency" in value) return addLoadResult(results, file);
  throw new PerfError("UNKNOWN_FORMAT", `${file} is neither a bench run, a bench comparison list nor a load result.`, {
    where: { file },
    hint: `Pass ${BENCH_RUN_FILE}, ${BENCH_COMPARISONS_FILE} or ${LOAD_RESULT_FILE} files, a run folder, or a folder holding .perfscope/runs.`,
  });
}

/**
 * Results from what the user named: result files; run folders (holding bench-run.json,
 * comparisons.json or load-result.json); or a folder of runs / a project (newest of each kind).
 */
export async function loadResultsFrom(paths: readonly string[], cwd: string): Promise<BudgetResults> {
  const results: BudgetResults = { cwd };
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => null);
    if (!info) throw new PerfError("USAGE", `--results ${given}: no such file or folder (${path}).`, { where: { file: path } });
    if (info.isFile()) {
      await addResultFile(results, path);
      continue;
    }
    const direct = [BENCH_RUN_FILE, BENCH_COMPARISONS_FILE, LOAD_RESULT_FILE].map((f) => join(path, f));
    const present = await Promise.all(direct.map(exists));
    if (present.some(Boolean)) {
      if (present[0]) await addBenchRun(results, direct[0]!);
      if (present[1] && !results.benchComparisons) await addComparisons(results, direct[1]!);
      if (present[2]) await addLoadResult(results, direct[2]!);
      continue;
    }
    const runsDir = (await exists(join(path, ".perfscope", "runs"))) ? join(path, ".perfscope", "runs") : path;
    const before = { ...results.sources };
    await addNewestFrom(results, runsDir);
    if (before.bench === results.sources?.bench && before.load === results.sources?.load)
      throw new PerfError("USAGE", `--results ${given}: no bench or load results found in ${path}.`, {
        where: { file: path },
        hint: `Expected ${BENCH_RUN_FILE} or ${LOAD_RESULT_FILE} in the folder, in <stamp>-bench / <stamp>-load subfolders, or under .perfscope/runs/.`,
      });
  }
  return results;
}
