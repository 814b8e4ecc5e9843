/**
 * HDR latency histograms for the load engine: values in microseconds, 1 µs to 120 s, three
 * significant digits. The pure-JS build is used so that workers need no WebAssembly start-up
 * and histograms encode/decode identically on every thread.
 */
import hdr from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";
import type { LatencySummary } from "./model.js";

export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 120_000_000;
const SIGNIFICANT_DIGITS = 3;

export type LatencyHistogram = Histogram;

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
    autoResize: false,
  });
}

/** Records one latency; values past the range are clamped so that one outlier cannot throw mid-run. */
export function recordLatencyUs(histogram: LatencyHistogram, valueUs: number): void {
  const v = Math.round(valueUs);
  histogram.recordValue(v < 0 ? 0 : v > HISTOGRAM_HIGHEST_US ? HISTOGRAM_HIGHEST_US : v);
}

export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Adds an encoded histogram (e.g. from a worker) into `into`. */
export function mergeEncodedHistogram(into: LatencyHistogram, encoded: string): void {
  into.add(decodeHistogram(encoded));
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const usToMsRounded = (valueUs: number): number => round3(valueUs / 1000);

/** Milliseconds summary of a µs histogram; an empty histogram gives zeros with count 0. */
export function summarizeHistogram(histogram: LatencyHistogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number): number => usToMsRounded(histogram.getValueAtPercentile(p));
  return {
    count,
    // minNonZeroValue skips zeros; a 0 µs latency cannot occur over a real socket anyway.
    min: usToMsRounded(histogram.getValueAtPercentile(0)),
    mean: usToMsRounded(histogram.mean),
    stdev: usToMsRounded(histogram.stdDeviation),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: usToMsRounded(histogram.maxValue),
  };
}

/** A percentile in ms, or null when nothing was recorded (timeline seconds without completions). */
export function percentileMs(histogram: LatencyHistogram, percentile: number): number | null {
  return histogram.totalCount === 0 ? null : usToMsRounded(histogram.getValueAtPercentile(percentile));
}
