/**
 * Rank-based trend statistics for memory series: the Mann–Kendall test (is there a
 * monotonic trend?) and the Theil–Sen slope with Sen's (1968) rank interval (how steep,
 * and how sure). Both ignore the size of outliers and the shape of the noise, which a GC
 * sawtooth has plenty of. Pairwise O(n²): above `maxPoints` the series is thinned evenly.
 */
import { normalUpperTail } from "../../bench/analyze/distributions.js";

export interface MannKendallResult {
  n: number;
  /** Σ sign(y_j − y_i) over i < j. */
  s: number;
  /** Var(S) under no trend, with the tie correction. */
  varianceS: number;
  /** (S ∓ 1)/√Var(S): continuity-corrected normal score. */
  z: number;
  /** Two-sided p-value for "no monotonic trend". */
  pValue: number;
  /** Kendall's tau-a: S divided by the number of pairs, n(n−1)/2. */
  tau: number;
}

export interface TheilSenResult {
  n: number;
  /** Median of the pairwise slopes (units of y per unit of x). */
  slope: number;
  /** Sen's interval at `confidence` for the slope. */
  ci: { low: number; high: number };
  confidence: number;
  /** Median of y − slope·x: the line's intercept. */
  intercept: number;
  /** Pairs with distinct x that contributed a slope. */
  pairs: number;
}

/** Above this many points the series is thinned evenly: Theil–Sen at 3000 points (4.5M slopes) takes ~0.4 s, at 5000 ~1.1 s. */
export const TREND_MAX_POINTS = 3000;

/** Evenly spaced indices keeping the first and last point: the thinned series spans the same time. */
export function thinEvenly<T>(items: readonly T[], maxPoints: number): T[] {
  if (items.length <= maxPoints) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(items[Math.round(k * step)]!);
  return out;
}

/** Σ t(t−1)(2t+5) over groups of tied values: what ties take away from Var(S). */
function tieTerm(values: readonly number[]): number {
  const ordered = [...values].sort((a, b) => a - b);
  let term = 0;
  let run = 1;
  for (let i = 1; i <= ordered.length; i++) {
    if (i < ordered.length && ordered[i] === ordered[i - 1]) {
      run++;
      continue;
    }
    if (run > 1) term += run * (run - 1) * (2 * run + 5);
    run = 1;
  }
  return term;
}

/** Mann–Kendall on values in time order. n < 3 gives no evidence (p = 1). */
export function testMannKendall(values: readonly number[], maxPoints = TREND_MAX_POINTS): MannKendallResult {
  const y = thinEvenly(values, maxPoints);
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const yi = y[i]!;
    for (let j = i + 1; j < n; j++) s += Math.sign(y[j]! - yi);
  }
  const varianceS = (n * (n - 1) * (2 * n + 5) - tieTerm(y)) / 18;
  const pairs = (n * (n - 1)) / 2;
  if (n < 3 || varianceS <= 0) return { n, s, varianceS: Math.max(0, varianceS), z: 0, pValue: 1, tau: pairs > 0 ? s / pairs : 0 };
  const sd = Math.sqrt(varianceS);
  const z = s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0;
  const pValue = Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  return { n, s, varianceS, z, pValue, tau: s / pairs };
}

/** The standard normal quantile by bisection on the tail: only called once per interval. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let k = 0; k < 200 && hi - lo > 1e-13; k++) {
    const mid = (lo + hi) / 2;
    if (1 - normalUpperTail(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The k-th smallest value (0-based) by quickselect: a full sort of n²/2 slopes takes seconds
 * at n = 5000, a selection a few linear passes. Reorders `a` (partitions it around k).
 */
function selectKth(a: Float64Array, k: number, from = 0): number {
  let lo = from;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot: sorted or reversed input stays linear.
    const mid = (lo + hi) >>> 1;
    const p = Math.max(Math.min(a[lo]!, a[mid]!), Math.min(Math.max(a[lo]!, a[mid]!), a[hi]!));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < p) i++;
      while (a[j]! > p) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Values at fractional 0-based ranks (interpolating between neighbouring order statistics).
 * The integer ranks are selected in ascending order, each search starting where the last
 * one ended: everything before a selected rank is no greater than it.
 */
function valuesAtRanks(values: Float64Array, ranks: readonly number[]): number[] {
  const clamped = ranks.map((r) => Math.min(values.length - 1, Math.max(0, r)));
  const needed = [...new Set(clamped.flatMap((r) => [Math.floor(r), Math.ceil(r)]))].sort((a, b) => a - b);
  const at = new Map<number, number>();
  let from = 0;
  for (const k of needed) {
    at.set(k, selectKth(values, k, from));
    from = k;
  }
  return clamped.map((r) => {
    const lo = at.get(Math.floor(r))!;
    return lo + (at.get(Math.ceil(r))! - lo) * (r - Math.floor(r));
  });
}

/**
 * Theil–Sen slope of y against x with Sen's interval (Gilbert 1987, §16.5): with N' pairwise
 * slopes in order and C = z₁₋α/₂·√Var(S), the bounds are the M₁-th and (M₂+1)-th slopes,
 * M₁ = (N' − C)/2, M₂ = (N' + C)/2, interpolated when fractional. Var(S) is the
 * tie-corrected Mann–Kendall variance of y. Pairs with equal x carry no slope and are skipped.
 */
export function estimateTheilSen(x: readonly number[], y: readonly number[], confidence = 0.95, maxPoints = TREND_MAX_POINTS): TheilSenResult {
  if (x.length !== y.length) throw new RangeError(`estimateTheilSen: x has ${x.length} values, y has ${y.length}`);
  const idx = thinEvenly(
    x.map((_, i) => i),
    maxPoints,
  );
  const xs = idx.map((i) => x[i]!);
  const ys = idx.map((i) => y[i]!);
  const n = xs.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes[count++] = (ys[j]! - ys[i]!) / dx;
    }
  }
  const ordered = slopes.subarray(0, count);
  if (count === 0) return { n, slope: Number.NaN, ci: { low: Number.NaN, high: Number.NaN }, confidence, intercept: Number.NaN, pairs: 0 };
  const varianceS = (n * (n - 1) * (2 * n + 5) - tieTerm(ys)) / 18;
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(Math.max(0, varianceS));
  // M₁-th and (M₂+1)-th in 1-based order are 0-based ranks M₁ − 1 and M₂.
  const [slope, low, high] = valuesAtRanks(ordered, [(count - 1) / 2, (count - c) / 2 - 1, (count + c) / 2]) as [number, number, number];
  const ci = { low, high };
  const residuals = xs.map((xi, i) => ys[i]! - slope * xi).sort((a, b) => a - b);
  const mid = (residuals.length - 1) / 2;
  const intercept = (residuals[Math.floor(mid)]! + residuals[Math.ceil(mid)]!) / 2;
  return { n, slope, ci, confidence, intercept, pairs: count };
}
