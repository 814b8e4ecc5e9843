/**
 * The lows of a memory series: what is still held once garbage is gone. A leak is a rising
 * floor, not a rising sawtooth, so the leak verdict looks only at these. Best are samples
 * taken right after a major GC; without enough of them (no major GC during the watch, or
 * a non-Node process seen only through /proc) each window's minimum stands in, with the
 * window made long enough to straddle a drop (a GC cycle) so that its minimum is a trough.
 */
import type { MemorySample, MemorySeries } from "../model.js";

export type LeakMetric = "heapUsed" | "rss";

export interface MemoryLow {
  at: number;
  value: number;
  requests: number | null;
}

export interface MemoryLows {
  lows: MemoryLow[];
  kind: "after-gc" | "window-minima";
  /** Samples per window for window minima, null for after-GC lows. */
  windowSamples: number | null;
  /** In words, e.g. "heapUsed after major GC (14 samples)". */
  basis: string;
}

/** Windows are at least this many samples even when no GC cycle shows. */
const MIN_WINDOW_SAMPLES = 3;

export function valueOf(sample: MemorySample, metric: LeakMetric): number | null {
  return metric === "rss" ? sample.rss : sample.heapUsed;
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
}

function gaps(indices: readonly number[]): number[] {
  return indices.slice(1).map((v, i) => v - indices[i]!);
}

/**
 * Where the falls are: a run of consecutive decreases counts as one GC-like drop when its
 * total fall is at least twice the median step and a quarter of the big falls (the 90th
 * percentile), so sampling noise does not pass for a collection, yet a sawtooth sampled
 * only four or five times a cycle still shows its drops. The falls alone set the bar: a
 * rising trend does not raise it. Returns the sample index where each drop ends.
 */
export function findDrops(values: readonly number[]): number[] {
  const steps = values.slice(1).map((v, i) => Math.abs(v - values[i]!)).filter((d) => d > 0);
  if (steps.length === 0) return [];
  const runs: { end: number; fall: number }[] = [];
  let fall = 0;
  for (let i = 1; i <= values.length; i++) {
    const d = i < values.length ? values[i]! - values[i - 1]! : 0;
    if (d < 0) {
      fall -= d;
      continue;
    }
    if (fall > 0) runs.push({ end: i - 1, fall });
    fall = 0;
  }
  if (runs.length === 0) return [];
  const falls = runs.map((r) => r.fall).sort((a, b) => a - b);
  const bigFall = falls[Math.floor(0.9 * (falls.length - 1))]!;
  const threshold = Math.max(2 * medianOf(steps), 0.25 * bigFall);
  return runs.filter((r) => r.fall >= threshold).map((r) => r.end);
}

/**
 * Window length for window minima: twice the typical cycle between drops, so every window
 * holds a trough. Major-GC cycles are not used here: they can be a minute long, and the
 * verdict checks separately that the rise survives the major GCs (see leak-verdict.ts).
 */
export function chooseWindowSamples(values: readonly number[]): number {
  const drops = findDrops(values);
  if (drops.length < 2) return MIN_WINDOW_SAMPLES;
  return Math.max(MIN_WINDOW_SAMPLES, Math.ceil(2 * medianOf(gaps(drops))));
}

/**
 * The floor measured at each major GC: `heapAfterGc` when the collector read it at the GC
 * (for heapUsed), else the sample's own value. Only samples marked afterGc.
 */
export function majorGcFloors(series: MemorySeries, metric: LeakMetric): MemoryLow[] {
  return series.samples
    .filter((s) => s.afterGc)
    .map((s) => ({ at: s.at, value: metric === "heapUsed" ? (s.heapAfterGc ?? s.heapUsed) : s.rss, requests: s.requests }))
    .filter((l): l is MemoryLow => l.value !== null)
    .sort((a, b) => a.at - b.at);
}

/** The lows of `series` in time order: after-GC samples when there are at least `minLows`, else window minima. */
export function extractMemoryLows(series: MemorySeries, metric: LeakMetric, minLows: number): MemoryLows {
  const samples = series.samples.filter((s) => valueOf(s, metric) !== null).sort((a, b) => a.at - b.at);
  const floors = majorGcFloors(series, metric);
  if (floors.length >= minLows) {
    return { lows: floors, kind: "after-gc", windowSamples: null, basis: `${metric} after major GC (${floors.length} samples)` };
  }
  const values = samples.map((s) => valueOf(s, metric)!);
  const window = chooseWindowSamples(values);
  const lows: MemoryLow[] = [];
  // Only whole windows: a trailing stub may end before its trough and read high.
  for (let start = 0; start + window <= samples.length; start += window) {
    let best = start;
    for (let i = start + 1; i < start + window; i++) if (values[i]! < values[best]!) best = i;
    const s = samples[best]!;
    lows.push({ at: s.at, value: values[best]!, requests: s.requests });
  }
  const why = floors.length === 0 ? "no major GC marked" : `only ${floors.length} major GC marks`;
  return {
    lows,
    kind: "window-minima",
    windowSamples: window,
    basis: `${metric} lows per window of ${window} samples (${lows.length} windows; ${why})`,
  };
}
