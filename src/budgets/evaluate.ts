/**
 * Checking a budget file against results. First each budget's metric is read out of the
 * results as observations (one per benchmark for "*"), each a value in the canonical unit
 * or null with the reason; then each observation is judged: pass, fail, or no-data (never
 * a pass without a measurement).
 */
import { relative } from "node:path";
import type { BenchResult, BenchRun } from "../bench/model.js";
import { PerfError } from "../core/errors.js";
import { errorRateOf } from "../load/analyze/thresholds.js";
import type { LoadResult } from "../load/model.js";
import { compileGlob, hasGlobMagic, measureBundleSize } from "./file-glob.js";
import { compareToLimit, formatMetricValue, toMetricValue } from "./limits.js";
import { findMetric, METRIC_IDS, type MetricDefinition } from "./metrics.js";
import { observeWebVital } from "./web-results.js";
import { BUDGET_REPORT_VERSION, type Budget, type BudgetEntryResult, type BudgetFile, type BudgetReport, type BudgetResults, type BudgetStatus } from "./model.js";

interface Observation {
  selector: string | null;
  value: number | null;
  evidence: string | null;
  note: string | null;
}

const NS_PER_MS = 1e6;

export function displayBenchName(r: { name: string; params?: Record<string, string> }): string {
  const params = Object.entries(r.params ?? {});
  return params.length === 0 ? r.name : `${r.name} [${params.map(([k, v]) => `${k}=${v}`).join(", ")}]`;
}

/** A benchmark selector matches the name or the name with its parameters; "*" and globs match many. */
function selectBenchmarks<T extends { name: string; params?: Record<string, string> }>(items: readonly T[], selector: string): T[] {
  if (!hasGlobMagic(selector)) return items.filter((r) => r.name === selector || displayBenchName(r) === selector);
  const re = compileGlob(selector, { segments: false });
  return items.filter((r) => re.test(r.name) || re.test(displayBenchName(r)));
}

function shortPath(cwd: string, file: string | undefined): string {
  if (file === undefined) return "results given in memory";
  const rel = relative(cwd, file);
  return rel.startsWith("..") ? file : rel;
}

function noData(selector: string | null, note: string, evidence: string | null = null): Observation[] {
  return [{ selector, value: null, evidence, note }];
}

function benchEvidence(run: BenchRun, results: BudgetResults): string {
  return `${shortPath(results.cwd, results.sources?.bench)} (suite "${run.suite}"${run.label ? `, ${run.label}` : ""}, ${run.startedAt})`;
}

function observeBenchResult(r: BenchResult, def: MetricDefinition, evidence: string): Observation {
  const selector = `benchmark "${displayBenchName(r)}"`;
  if (r.state === "errored") return { selector, value: null, evidence, note: `the benchmark failed: ${r.error.message}` };
  const field = def.source.kind === "bench" ? def.source.field : "median";
  const s = r.stats;
  const value = field === "cv" ? s.cv : s[field] / NS_PER_MS;
  const ci = `median 95% CI ${formatMetricValue(s.medianCi.low / NS_PER_MS, "duration")}–${formatMetricValue(s.medianCi.high / NS_PER_MS, "duration")}`;
  const notes = [`n=${s.n} in ${s.processes} process${s.processes === 1 ? "" : "es"}, ${ci}, cv ${formatMetricValue(s.cv, "ratio")}`];
  if (!s.fitToCompare) notes.push(`unstable: ${s.warnings.join("; ") || "spread too wide to compare"}`);
  return { selector, value, evidence, note: notes.join("; ") };
}

function observeBench(budget: Budget, def: MetricDefinition, results: BudgetResults): Observation[] {
  const wanted = budget.selector?.value ?? "*";
  const label = `benchmark "${wanted}"`;
  const run = results.bench;
  if (!run) return noData(label, "no bench run found (looked for .perfscope/runs/*-bench/bench-run.json; or pass --results)");
  const evidence = benchEvidence(run, results);
  const matched = selectBenchmarks(run.results, wanted);
  if (matched.length === 0) {
    const names = run.results.map(displayBenchName);
    return noData(label, names.length === 0 ? "the bench run has no benchmarks" : `no benchmark matches "${wanted}" (the run has: ${names.join(", ")})`, evidence);
  }
  return matched.map((r) => observeBenchResult(r, def, evidence));
}

function observeRegression(budget: Budget, results: BudgetResults): Observation[] {
  const wanted = budget.selector?.value ?? "*";
  const label = `benchmark "${wanted}"`;
  const comparisons = results.benchComparisons;
  if (!comparisons) return noData(label, "no comparison with a baseline available (no comparisons.json beside the bench run)");
  const evidence = shortPath(results.cwd, results.sources?.benchComparisons);
  const matched = selectBenchmarks(comparisons, wanted);
  if (matched.length === 0)
    return noData(label, comparisons.length === 0 ? "the comparison list is empty" : `no comparison matches "${wanted}" (compared: ${comparisons.map(displayBenchName).join(", ")})`, evidence);
  return matched.map((c) => {
    const pct = (ratio: number) => formatMetricValue(ratio - 1, "ratio");
    const notes = [`${c.verdict}: ${formatMetricValue(c.baselineMedian / NS_PER_MS, "duration")} → ${formatMetricValue(c.candidateMedian / NS_PER_MS, "duration")}, ${Math.round(c.ratioCi.level * 100)}% CI ${pct(c.ratioCi.low)} … ${pct(c.ratioCi.high)}, p=${c.pValue.toPrecision(2)}`];
    const bounds = [budget.limit.min, budget.limit.max].filter((b): b is number => b !== undefined);
    // The point estimate decides; say so when the interval does not.
    if (bounds.some((b) => c.ratioCi.low - 1 < b && b < c.ratioCi.high - 1)) notes.push("the confidence interval spans the limit: inconclusive, more samples would settle it");
    notes.push(...c.warnings);
    return { selector: `benchmark "${displayBenchName(c)}"`, value: c.ratio - 1, evidence, note: notes.join("; ") };
  });
}

function loadEvidence(load: LoadResult, results: BudgetResults): string {
  return `${shortPath(results.cwd, results.sources?.load)} (${load.target}, ${(load.durationMs / 1000).toFixed(1)} s, ${load.startedAt})`;
}

function observeLoad(def: MetricDefinition, results: BudgetResults): Observation[] {
  const load = results.load;
  if (!load) return noData(null, "no load result found (looked for .perfscope/runs/*-load/load-result.json; or pass --results)");
  const evidence = loadEvidence(load, results);
  const notes: string[] = [];
  if (load.partial) notes.push(`partial run: ${load.partial.reason}`);
  if (load.generator.saturated) notes.push("the load generator was saturated: these numbers describe the generator, not the server");
  const note = notes.length > 0 ? notes.join("; ") : null;
  const finished = load.requests.ok + load.requests.errors;
  switch (def.source.kind) {
    case "load-latency":
      if (load.latency.count === 0) return noData(null, "the load test recorded no latencies", evidence);
      return [{ selector: null, value: load.latency[def.source.field], evidence, note }];
    case "load-error-rate":
      if (finished === 0) return noData(null, "the load test finished no requests", evidence);
      return [{ selector: null, value: errorRateOf(load), evidence, note: [`${load.requests.errors} of ${finished} requests failed`, ...notes].join("; ") }];
    default:
      return [{ selector: null, value: load.throughput, evidence, note }];
  }
}

function observeBundle(budget: Budget, results: BudgetResults): Observation[] {
  const pattern = budget.selector?.value ?? "";
  const selector = `path "${pattern}"${budget.gzip ? " (gzip)" : ""}`;
  const size = measureBundleSize(results.cwd, pattern, { gzip: budget.gzip });
  if (size.files.length === 0) return noData(selector, `no files match "${pattern}" under ${results.cwd} (not built yet?)`);
  const largest = [...size.files]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((f) => `${f.path} ${formatMetricValue(budget.gzip ? (f.gzipBytes ?? f.bytes) : f.bytes, "bytes")}`);
  const raw = budget.gzip ? `raw ${formatMetricValue(size.totalBytes, "bytes")}; ` : "";
  return [
    {
      selector,
      value: budget.gzip ? (size.totalGzipBytes ?? size.totalBytes) : size.totalBytes,
      evidence: `${size.files.length} file${size.files.length === 1 ? "" : "s"} under ${results.cwd}, measured now`,
      note: `${raw}largest: ${largest.join(", ")}`,
    },
  ];
}

/** Web vitals from field data: the p75 of the last 24 hours, overall or for one route. */
function observeWeb(budget: Budget, def: MetricDefinition, results: BudgetResults): Observation[] {
  const page = budget.selector?.value ?? "*";
  const selector = `page "${page}"`;
  if (def.source.kind !== "web") return noData(selector, "not a web metric");
  if (!results.web) return noData(selector, "no field data: no RUM store (.perfscope/rum.sqlite); collect it with perfscope rum serve and the snippet on your pages");
  const o = observeWebVital(results.web, def.source.vital, page);
  const evidence = `RUM p75, last 24 h, ${shortPath(results.cwd, results.web.source)}`;
  if (o.value === null) return noData(selector, `no ${def.source.vital.toUpperCase()} values for ${o.route === "*" ? "any page" : `route ${o.route}`} in the last 24 h`, evidence);
  return [{ selector, value: o.value, evidence, note: `${o.count.toLocaleString("en-US")} page views${o.route !== page && o.route !== "*" ? ` (route ${o.route})` : ""}` }];
}

/** Everything a budget's metric reads, as observations. */
function observeMetric(budget: Budget, def: MetricDefinition, results: BudgetResults): Observation[] {
  switch (def.source.kind) {
    case "bench":
      return observeBench(budget, def, results);
    case "bench-comparison":
      return observeRegression(budget, results);
    case "load-latency":
    case "load-error-rate":
    case "load-throughput":
      return observeLoad(def, results);
    case "web":
      return observeWeb(budget, def, results);
    case "bundle-size":
      return observeBundle(budget, results);
  }
}

export function evaluateBudgets(budget: BudgetFile, results: BudgetResults, options: { now?: Date } = {}): BudgetReport {
  const entries: BudgetEntryResult[] = [];
  for (const b of budget.budgets) {
    const def = findMetric(b.metric);
    // parseBudgetText rejects unknown metrics; this guards hand-built BudgetFiles.
    if (!def)
      throw new PerfError("USAGE", `Unknown metric "${b.metric}".`, {
        ...(budget.file !== undefined ? { where: { file: budget.file, ...(b.line !== undefined ? { line: b.line } : {}) } } : {}),
        hint: `Known metrics: ${METRIC_IDS.join(", ")}.`,
      });
    for (const o of observeMetric(b, def, results)) {
      const base = { metric: b.metric, selector: o.selector, limit: b.limit, evidence: o.evidence, note: o.note, ...(b.description !== undefined ? { description: b.description } : {}), ...(b.line !== undefined ? { line: b.line } : {}) };
      if (o.value === null) {
        entries.push({ ...base, actual: null, status: "no-data", margin: null });
        continue;
      }
      const { pass, margin } = compareToLimit(o.value, b.limit);
      entries.push({ ...base, actual: toMetricValue(o.value, def.unit), status: pass ? "pass" : "fail", margin });
    }
  }
  const count = (s: BudgetStatus) => entries.filter((e) => e.status === s).length;
  const summary = { total: entries.length, pass: count("pass"), fail: count("fail"), noData: count("no-data") };
  const verdict: BudgetStatus = summary.fail > 0 ? "fail" : summary.noData > 0 ? "no-data" : "pass";
  return { version: BUDGET_REPORT_VERSION, budgetFile: budget.file ?? null, evaluatedAt: (options.now ?? new Date()).toISOString(), entries, summary, verdict };
}

/** The CLI exit code a report earns: 1 on a failure (or on no data when strict), else 0. */
export function exitCodeForBudgetReport(report: BudgetReport, options: { strict?: boolean } = {}): 0 | 1 {
  if (report.summary.fail > 0) return 1;
  if (options.strict && report.summary.noData > 0) return 1;
  return 0;
}
