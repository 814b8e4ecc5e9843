/**
 * Formats shared by the load reporters, and the latency distribution for text reports:
 * log-spaced buckets read from the run's HDR histogram (µs), drawn as bars. Log spacing
 * keeps a 1 ms body and a 1 s tail on one chart.
 */
import { decodeFromCompressedBase64, JsHistogram } from "hdr-histogram-js";
import type { LatencySummary, LoadResult, ThresholdResult } from "../load/model.js";

export const formatMs = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`);

export const num = (n: number, digits = 1): string => n.toLocaleString("en-US", { maximumFractionDigits: digits });
export const pct = (n: number, digits = 2): string => `${(n * 100).toFixed(digits)}%`;

export function describeLoadModel(r: LoadResult): string {
  if (r.model.kind === "closed") return `closed model, ${r.model.connections} connections`;
  return `open model, ${num(r.model.rate)} req/s ${r.model.arrival} arrivals, ${r.model.connections} connections`;
}

/** A threshold's actual value in its own unit. */
export function formatThresholdActual(t: ThresholdResult): string {
  if (t.actual === null) return "no data";
  if (t.metric === "error_rate") return pct(t.actual);
  if (t.metric === "errors") return `${t.actual} errors`;
  if (t.metric === "rps") return `${num(t.actual)} req/s`;
  return formatMs(t.actual);
}

export interface LatencyBucket {
  fromMs: number;
  toMs: number;
  count: number;
}

/** Buckets from the compressed histogram; null when it is empty or cannot be decoded. */
export function decodeLatencyBuckets(histogramBase64: string, bucketCount = 10): LatencyBucket[] | null {
  if (!histogramBase64) return null;
  let histogram;
  try {
    histogram = decodeFromCompressedBase64(histogramBase64, 32, false);
  } catch {
    return null;
  }
  try {
    if (!(histogram instanceof JsHistogram) || histogram.totalCount === 0) return null;
    const values: Array<[number, number]> = [];
    const it = histogram.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      values.push([histogram.highestEquivalentValue(v.valueIteratedTo), v.countAddedInThisIterationStep]);
    }
    const lo = Math.max(1, histogram.minNonZeroValue);
    const hi = Math.max(lo + 1, histogram.maxValue);
    const ratio = Math.pow(hi / lo, 1 / bucketCount);
    const buckets: LatencyBucket[] = Array.from({ length: bucketCount }, (_, i) => ({ fromMs: (lo * ratio ** i) / 1000, toMs: (lo * ratio ** (i + 1)) / 1000, count: 0 }));
    for (const [valueUs, count] of values) {
      const i = Math.min(bucketCount - 1, Math.max(0, Math.floor(Math.log(Math.max(valueUs, lo) / lo) / Math.log(ratio))));
      buckets[i]!.count += count;
    }
    return buckets;
  } finally {
    histogram.destroy();
  }
}

const bar = (fraction: number, width: number) => "█".repeat(Math.max(fraction > 0 ? 1 : 0, Math.round(fraction * width)));

/** Bars of the share of requests per latency bucket; falls back to a percentile ladder without a histogram. */
export function renderLatencyDistribution(histogramBase64: string, latency: LatencySummary, width = 40): string[] {
  const buckets = decodeLatencyBuckets(histogramBase64);
  if (buckets) {
    const total = buckets.reduce((a, b) => a + b.count, 0);
    const most = Math.max(...buckets.map((b) => b.count));
    return buckets.map((b) => {
      const range = `${formatMs(b.fromMs)} – ${formatMs(b.toMs)}`.padStart(21);
      return `  ${range} │${bar(b.count / most, width).padEnd(width)} ${((b.count / total) * 100).toFixed(1).padStart(5)}%`;
    });
  }
  if (latency.count === 0) return ["  (no completed requests)"];
  const rows: Array<[string, number]> = [["p50", latency.p50], ["p90", latency.p90], ["p95", latency.p95], ["p99", latency.p99], ["p99.9", latency.p999], ["max", latency.max]];
  const top = Math.max(latency.max, 1e-9);
  // Log scale from the minimum, so the body is not a single dot next to the tail.
  const floor = Math.max(latency.min, top / 1e4, 1e-6);
  const scale = (v: number) => (top <= floor ? 1 : Math.log(Math.max(v, floor) / floor) / Math.log(top / floor));
  return rows.map(([name, v]) => `  ${name.padStart(6)} │${bar(scale(v), width).padEnd(width)} ${formatMs(v)}`);
}
