/**
 * The metric registry: every metric a budget may name, its unit, the result it reads and
 * the selector key it needs. The zod schema, the JSON Schema test and the evaluator all
 * read this table, so a metric is added in one place.
 */
import type { LatencySummary } from "../load/model.js";
import type { MetricUnit, SelectorKey } from "./model.js";

type BenchStatField = "median" | "mean" | "p95" | "cv";
type WebVital = "lcp" | "cls" | "inp" | "fcp" | "ttfb";

/** Where a metric's value comes from. */
export type MetricSource =
  | { kind: "bench"; field: BenchStatField }
  | { kind: "bench-comparison" }
  | { kind: "load-latency"; field: keyof Pick<LatencySummary, "p50" | "p90" | "p95" | "p99" | "max"> }
  | { kind: "load-error-rate" }
  | { kind: "load-throughput" }
  | { kind: "web"; vital: WebVital }
  | { kind: "bundle-size" };

export interface MetricDefinition {
  id: string;
  unit: MetricUnit;
  source: MetricSource;
  /** The selector key this metric requires, or null when it takes none. */
  selector: SelectorKey | null;
  description: string;
}

const bench = (field: BenchStatField, unit: MetricUnit, what: string): MetricDefinition => ({
  id: `bench.${field}`,
  unit,
  source: { kind: "bench", field },
  selector: "benchmark",
  description: `${what} of a benchmark in the latest bench run`,
});

const loadLatency = (field: "p50" | "p90" | "p95" | "p99" | "max"): MetricDefinition => ({
  id: `load.${field}`,
  unit: "duration",
  source: { kind: "load-latency", field },
  selector: null,
  description: `${field} latency of the latest load test (corrected for coordinated omission)`,
});

const web = (vital: WebVital, unit: MetricUnit, what: string): MetricDefinition => ({
  id: `web.${vital}`,
  unit,
  source: { kind: "web", vital },
  selector: "page",
  description: `${what} of a page: p75 of real-user data over the last 24 h (perfscope rum), per route or "*"`,
});

export const METRICS: readonly MetricDefinition[] = [
  bench("median", "duration", "median time per operation"),
  bench("mean", "duration", "mean time per operation"),
  bench("p95", "duration", "95th percentile time per operation"),
  bench("cv", "ratio", "coefficient of variation (stdDev / mean)"),
  {
    id: "bench.regression",
    unit: "ratio",
    source: { kind: "bench-comparison" },
    selector: "benchmark",
    description: "how much slower than the baseline (candidate/baseline median − 1), from comparisons.json",
  },
  loadLatency("p50"),
  loadLatency("p90"),
  loadLatency("p95"),
  loadLatency("p99"),
  loadLatency("max"),
  { id: "load.errorRate", unit: "ratio", source: { kind: "load-error-rate" }, selector: null, description: "failed requests / finished requests" },
  { id: "load.rps", unit: "rate", source: { kind: "load-throughput" }, selector: null, description: "completed requests per second" },
  web("lcp", "duration", "Largest Contentful Paint"),
  web("cls", "score", "Cumulative Layout Shift"),
  web("inp", "duration", "Interaction to Next Paint"),
  web("fcp", "duration", "First Contentful Paint"),
  web("ttfb", "duration", "Time to First Byte"),
  {
    id: "bundle.size",
    unit: "bytes",
    source: { kind: "bundle-size" },
    selector: "path",
    description: "total size of the files matching a glob, measured now (gzip: true for compressed size)",
  },
];

export const METRIC_IDS: readonly string[] = METRICS.map((m) => m.id);

export function findMetric(id: string): MetricDefinition | undefined {
  return METRICS.find((m) => m.id === id);
}

/** The closest known metric id, for "did you mean" hints; null when nothing is close. */
export function suggestMetric(id: string): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const known of METRIC_IDS) {
    const distance = editDistance(id.toLowerCase(), known.toLowerCase());
    if (!best || distance < best.distance) best = { id: known, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(id.length / 4)) ? best.id : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
