/**
 * Two-sample tests for "did the time change?": Mann–Whitney U (rank based, exact for small
 * samples without ties, normal approximation with tie and continuity correction otherwise)
 * and Welch's t-test (unequal variances, Welch–Satterthwaite degrees of freedom).
 */
import { PerfError } from "../../core/errors.js";
import { normalUpperTail, studentTTwoSidedP } from "./distributions.js";

export interface MannWhitneyResult {
  /** U statistic of the first sample: pairs (a, b) with a > b, ties counting one half. */
  u: number;
  /** Standardised statistic (normal approximation; also reported when the p-value is exact). */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  method: "exact" | "normal";
}

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  /** mean(a) − mean(b). */
  meanDifference: number;
}

/** Above this many values per side the exact distribution costs more than it is worth. */
const EXACT_MAX_PER_SIDE = 50;

/** Two-sided Mann–Whitney U test of a against b. */
export function testMannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) {
    throw new PerfError("USAGE", `Mann–Whitney needs values on both sides (got ${n1} and ${n2})`, {
      hint: "pass at least one sample per side",
    });
  }
  const { rankSumA, tieTerm } = rankSum(a, b);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const varU = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const deviation = Math.abs(u - meanU);
  const z = varU > 0 ? Math.sign(u - meanU) * Math.max(0, deviation - 0.5) / Math.sqrt(varU) : 0;

  if (tieTerm === 0 && n1 <= EXACT_MAX_PER_SIDE && n2 <= EXACT_MAX_PER_SIDE) {
    const dist = exactUDistribution(n1, n2);
    let lower = 0;
    for (let k = 0; k <= Math.floor(u); k++) lower += dist[k]!;
    let upper = 0;
    for (let k = Math.ceil(u); k < dist.length; k++) upper += dist[k]!;
    return { u, z, pValue: Math.min(1, 2 * Math.min(lower, upper)), method: "exact" };
  }
  const pValue = varU > 0 ? Math.min(1, 2 * normalUpperTail(Math.abs(z))) : 1;
  return { u, z, pValue, method: "normal" };
}

/** Two-sided Welch t-test of mean(a) = mean(b); each side needs at least two values. */
export function testWelch(a: readonly number[], b: readonly number[]): WelchResult {
  if (a.length < 2 || b.length < 2) {
    throw new PerfError("USAGE", `Welch's t-test needs at least 2 values per side (got ${a.length} and ${b.length})`, {
      hint: "run more processes, or use testMannWhitney on the pooled samples",
    });
  }
  const ma = meanOf(a);
  const mb = meanOf(b);
  const va = varianceOf(a, ma) / a.length;
  const vb = varianceOf(b, mb) / b.length;
  const meanDifference = ma - mb;
  const se2 = va + vb;
  if (se2 === 0) {
    // No spread at all: the means either coincide exactly or differ with certainty.
    return { t: meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity, df: a.length + b.length - 2, pValue: meanDifference === 0 ? 1 : 0, meanDifference };
  }
  const t = meanDifference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { t, df, pValue: studentTTwoSidedP(t, df), meanDifference };
}

function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function varianceOf(values: readonly number[], mean: number): number {
  let sum = 0;
  for (const v of values) sum += (v - mean) * (v - mean);
  return sum / (values.length - 1);
}

/**
 * Rank sum of `a` in the pooled sample (ties get their average rank) and Σ(t³ − t) over tie
 * groups. Sorting each side natively and merging is several times faster than sorting
 * indices with a comparator, which matters at 100k samples per side.
 */
function rankSum(a: readonly number[], b: readonly number[]): { rankSumA: number; tieTerm: number } {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let rank = 0; // values ranked so far
  let rankSumA = 0;
  let tieTerm = 0;
  while (i < sa.length || j < sb.length) {
    const value = j >= sb.length || (i < sa.length && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    let inA = 0;
    while (i < sa.length && sa[i] === value) {
      i++;
      inA++;
    }
    let inB = 0;
    while (j < sb.length && sb[j] === value) {
      j++;
      inB++;
    }
    const tied = inA + inB;
    const averageRank = rank + (tied + 1) / 2;
    rankSumA += inA * averageRank;
    if (tied > 1) tieTerm += tied * tied * tied - tied;
    rank += tied;
  }
  return { rankSumA, tieTerm };
}

/**
 * P(U = u) for u = 0 … n1·n2 under the null, no ties. Recurrence on the largest value:
 * it belongs to the first sample with probability i/(i+j), adding j to U.
 */
function exactUDistribution(n1: number, n2: number): Float64Array {
  // rows[j] holds the distribution for (i, j) with the current i; start at i = 0 where U = 0.
  let rows: Float64Array[] = [];
  for (let j = 0; j <= n2; j++) rows.push(Float64Array.of(1));
  for (let i = 1; i <= n1; i++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n2; j++) {
      const dist = new Float64Array(i * j + 1);
      const fromA = rows[j]!; // (i−1, j): the largest value came from the first sample
      const fromB = next[j - 1]!; // (i, j−1): it came from the second
      const pa = i / (i + j);
      for (let k = 0; k < fromA.length; k++) dist[k + j]! += pa * fromA[k]!;
      for (let k = 0; k < fromB.length; k++) dist[k]! += (1 - pa) * fromB[k]!;
      next.push(dist);
    }
    rows = next;
  }
  return rows[n2]!;
}
