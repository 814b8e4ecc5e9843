/**
 * The budget model: a validated budget file (limits on named metrics) and the report of
 * checking it against results. Plain JSON data. Values are held in one canonical unit per
 * kind: durations in ms, sizes in bytes, ratios as fractions (0.01 = 1%), rates per second.
 */
import type { BenchComparison, BenchRun } from "../bench/model.js";
import type { LoadResult } from "../load/model.js";
import type { WebFieldResults } from "./web-results.js";

export const BUDGET_REPORT_VERSION = 1;

/** duration = ms · bytes · ratio = fraction · count · rate = per second · score = unitless (CLS). */
export type MetricUnit = "duration" | "bytes" | "ratio" | "count" | "rate" | "score";

/** The selector key a metric needs: which benchmark, which page, which files. */
export type SelectorKey = "benchmark" | "page" | "path";

export interface BudgetLimit {
  /** Inclusive bounds in the metric's canonical unit; at least one is set. */
  min?: number;
  max?: number;
  unit: MetricUnit;
  /** The limit as written in the file, e.g. "≤ 150ms". */
  text: string;
}

export interface Budget {
  metric: string;
  /** The selector value (benchmark name or glob, page, file glob), when the metric has one. */
  selector: { key: SelectorKey; value: string } | null;
  limit: BudgetLimit;
  /** bundle.size only: measure gzip-compressed bytes. */
  gzip: boolean;
  /** Free text from the file, echoed in reports. */
  description?: string;
  /** 1-based line of this budget in the file, for messages. */
  line?: number;
}

export interface BudgetFile {
  /** Absolute path when read from disk. */
  file?: string;
  budgets: Budget[];
}

/** What a budget is checked against. `sources` names the files the results came from. */
export interface BudgetResults {
  bench?: BenchRun;
  benchComparisons?: BenchComparison[];
  load?: LoadResult;
  /** Field data (RUM p75 over the last 24 h) for web.* budgets. */
  web?: WebFieldResults;
  /** Root for relative globs (bundle.size) and for shortening paths in evidence. */
  cwd: string;
  sources?: { bench?: string; benchComparisons?: string; load?: string; web?: string };
}

export type BudgetStatus = "pass" | "fail" | "no-data";

export interface MetricValue {
  value: number;
  unit: MetricUnit;
  /** Human form, e.g. "1.42ms", "183.2 KB", "0.4%". */
  text: string;
}

export interface BudgetEntryResult {
  metric: string;
  /** e.g. `benchmark "json roundtrip"`, or null for metrics without a selector. */
  selector: string | null;
  limit: BudgetLimit;
  actual: MetricValue | null;
  status: BudgetStatus;
  /**
   * Distance from the nearest limit as a fraction of that limit: positive = headroom,
   * negative = over the limit. Null when there is no value or the limit is 0.
   */
  margin: number | null;
  /** Which result the value came from (file, run, files measured). */
  evidence: string | null;
  /** Why there is no data, or what qualifies the value (spread, confidence interval). */
  note: string | null;
  /** The budget's "description" from the file. */
  description?: string;
  line?: number;
}

export interface BudgetReport {
  version: typeof BUDGET_REPORT_VERSION;
  budgetFile: string | null;
  evaluatedAt: string;
  entries: BudgetEntryResult[];
  summary: { total: number; pass: number; fail: number; noData: number };
  /** fail if any entry failed; no-data if none failed but some had no data; else pass. */
  verdict: BudgetStatus;
}
