/**
 * The naive rule "more than 10% slower is a regression": one number per side, no spread,
 * no test. Kept only so calibration can show how it fares next to the statistical
 * comparison (it misses small real changes and flags noisy unchanged code).
 */
import { PerfError } from "../../core/errors.js";
import type { Verdict } from "../model.js";

export const NAIVE_THRESHOLD = 0.1;

/**
 * "slower" when candidate > baseline·(1 + threshold), "faster" when candidate <
 * baseline·(1 − threshold), otherwise "no-change". Both values are times (median or mean).
 */
export function applyNaiveRule(baselineMedianOrMean: number, candidate: number, threshold = NAIVE_THRESHOLD): Verdict {
  if (!(baselineMedianOrMean > 0) || !Number.isFinite(baselineMedianOrMean) || !(candidate >= 0) || !Number.isFinite(candidate)) {
    throw new PerfError("USAGE", `the naive rule needs a positive baseline time and a non-negative candidate time (got ${baselineMedianOrMean} and ${candidate})`, {
      hint: "pass the medians (or means) of two completed results",
    });
  }
  if (!(threshold >= 0 && threshold < 1)) {
    throw new PerfError("USAGE", `naive threshold must be a fraction from 0 up to 1 (got ${threshold})`, { hint: "0.10 means 10%" });
  }
  const ratio = candidate / baselineMedianOrMean;
  if (ratio > 1 + threshold) return "slower";
  if (ratio < 1 - threshold) return "faster";
  return "no-change";
}
