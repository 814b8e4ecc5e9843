/**
 * The paired t-test behind version comparisons. Versions run interleaved: round r runs
 * every version once, back to back, so whatever disturbed the machine during round r
 * (another job, a frequency change, a noisy neighbour) hits both sides of the pair.
 * Testing the per-round differences cancels that shared disturbance, which an unpaired
 * test would count as noise.
 */
import { PerfError } from "../../core/errors.js";
import { studentTTwoSidedP } from "./distributions.js";

export interface PairedTestResult {
  t: number;
  df: number;
  pValue: number;
  meanDifference: number;
  /** Confidence interval of the mean difference at `level`. */
  ci: { low: number; high: number; level: number };
}

/** The t value with two-sided tail probability 1 − level at df, by bisection on the CDF. */
export function studentTQuantile(level: number, df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedP(mid, df) > 1 - level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided one-sample t-test of mean(differences) = 0, with its confidence interval. */
export function testPaired(differences: readonly number[], level = 0.95): PairedTestResult {
  const n = differences.length;
  if (n < 2) {
    throw new PerfError("USAGE", `a paired t-test needs at least 2 pairs (got ${n})`, { hint: "run at least 3 interleaved rounds (processes)" });
  }
  let sum = 0;
  for (const d of differences) sum += d;
  const mean = sum / n;
  let ss = 0;
  for (const d of differences) ss += (d - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  if (se === 0) {
    return { t: mean === 0 ? 0 : Math.sign(mean) * Infinity, df, pValue: mean === 0 ? 1 : 0, meanDifference: mean, ci: { low: mean, high: mean, level } };
  }
  const t = mean / se;
  const q = studentTQuantile(level, df);
  return { t, df, pValue: studentTTwoSidedP(t, df), meanDifference: mean, ci: { low: mean - q * se, high: mean + q * se, level } };
}
