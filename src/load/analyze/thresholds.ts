/**
 * k6-style thresholds over a LoadResult: `p95<200ms`, `errors<1%`, `rps>100`. Latency
 * thresholds read the corrected latency (what users saw), not the uncorrected view.
 */
import { PerfError } from "../../core/errors.js";
import type { LoadResult, ThresholdResult } from "../model.js";

export type ThresholdOperator = "<" | "<=" | ">" | ">=";
export type ThresholdKind = "latency" | "error_rate" | "error_count" | "throughput";

export interface ParsedThreshold {
  expression: string;
  /** Canonical metric name: p50…p99.9, max, min, mean, errors (count), error_rate, rps. */
  metric: string;
  kind: ThresholdKind;
  operator: ThresholdOperator;
  /** Latency in ms, error rate as a fraction (0.01 = 1%), error count, or req/s. */
  limit: number;
}

type LatencyKey = "p50" | "p90" | "p95" | "p99" | "p999" | "max" | "min" | "mean";

/** Metric names accepted in expressions, with the field they read. */
const LATENCY_METRICS: Record<string, { name: string; key: LatencyKey }> = {
  p50: { name: "p50", key: "p50" },
  med: { name: "p50", key: "p50" },
  median: { name: "p50", key: "p50" },
  p90: { name: "p90", key: "p90" },
  p95: { name: "p95", key: "p95" },
  p99: { name: "p99", key: "p99" },
  "p99.9": { name: "p99.9", key: "p999" },
  p999: { name: "p99.9", key: "p999" },
  max: { name: "max", key: "max" },
  min: { name: "min", key: "min" },
  mean: { name: "mean", key: "mean" },
  avg: { name: "mean", key: "mean" },
};

export const KNOWN_THRESHOLD_METRICS = ["p50", "p90", "p95", "p99", "p99.9", "max", "min", "mean", "errors (count, or rate with %)", "rps"];

const UNIT_TO_MS: Record<string, number> = { ms: 1, s: 1000, us: 0.001, "µs": 0.001 };
const EXPRESSION_RE = /^\s*([a-z]+(?:\(\s*[\d.]+\s*\)|[\d.]*))\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|us|µs|%|\/s)?\s*$/i;

function usageError(expression: string, problem: string): PerfError {
  return new PerfError("USAGE", `Threshold "${expression}": ${problem}`, {
    hint: `Write <metric><op><value>, e.g. "p95<200ms", "errors<1%", "rps>100". Metrics: ${KNOWN_THRESHOLD_METRICS.join(", ")}. Operators: <, <=, >, >=. Latency units: ms (default), s, us.`,
  });
}

/** Parses one expression; throws PerfError USAGE naming the expression and the known metrics. */
export function parseThreshold(expression: string): ParsedThreshold {
  const m = EXPRESSION_RE.exec(expression);
  if (!m) throw usageError(expression, "not a threshold expression");
  // k6 spells percentiles p(95); accept it as p95.
  const rawMetric = m[1]!.toLowerCase().replace(/^p\(\s*([\d.]+)\s*\)$/, "p$1");
  const operator = m[2] as ThresholdOperator;
  const value = Number(m[3]);
  const unit = m[4]?.toLowerCase();
  const latency = LATENCY_METRICS[rawMetric];
  if (latency) {
    if (unit === "%" || unit === "/s") throw usageError(expression, `"${unit}" is not a time unit; use ms, s or us`);
    return { expression, metric: latency.name, kind: "latency", operator, limit: value * (UNIT_TO_MS[unit ?? "ms"] ?? 1) };
  }
  if (rawMetric === "errors" || rawMetric === "error_rate" || rawMetric === "failed") {
    if (unit === "%") return { expression, metric: "error_rate", kind: "error_rate", operator, limit: value / 100 };
    if (unit !== undefined) throw usageError(expression, `errors take a percentage ("errors<1%") or a count ("errors<5"), not "${unit}"`);
    // "error_rate<0.01" is a fraction; "errors<5" is a count.
    if (rawMetric === "error_rate") return { expression, metric: "error_rate", kind: "error_rate", operator, limit: value };
    return { expression, metric: "errors", kind: "error_count", operator, limit: value };
  }
  if (rawMetric === "rps" || rawMetric === "throughput") {
    if (unit !== undefined && unit !== "/s") throw usageError(expression, `throughput is in requests per second, not "${unit}"`);
    return { expression, metric: "rps", kind: "throughput", operator, limit: value };
  }
  throw usageError(expression, `unknown metric "${m[1]}"`);
}

/** Error rate of a run: failed requests over finished ones (ok + errors). */
export function errorRateOf(result: LoadResult): number {
  const finished = result.requests.ok + result.requests.errors;
  return finished > 0 ? result.requests.errors / finished : 0;
}

/** The measured value a threshold compares; null when the run has nothing to measure (no latencies). */
export function measureThreshold(result: LoadResult, t: ParsedThreshold): number | null {
  switch (t.kind) {
    case "latency": {
      if (result.latency.count === 0) return null;
      const key = Object.values(LATENCY_METRICS).find((x) => x.name === t.metric)!.key;
      return result.latency[key];
    }
    case "error_rate":
      return result.requests.ok + result.requests.errors > 0 ? errorRateOf(result) : null;
    case "error_count":
      return result.requests.errors;
    case "throughput":
      return result.throughput;
  }
}

export function compareThreshold(actual: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case "<":
      return actual < limit;
    case "<=":
      return actual <= limit;
    case ">":
      return actual > limit;
    case ">=":
      return actual >= limit;
  }
}

/** Evaluates every expression (all parsed first, so one typo fails before any verdict). A metric with no data fails. */
export function evaluateThresholds(result: LoadResult, expressions: readonly string[]): ThresholdResult[] {
  const parsed = expressions.map(parseThreshold);
  return parsed.map((t) => {
    const actual = measureThreshold(result, t);
    return { expression: t.expression, metric: t.metric, limit: t.limit, actual, ok: actual !== null && compareThreshold(actual, t.operator, t.limit) };
  });
}
