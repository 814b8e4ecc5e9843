/**
 * Summary statistics of one benchmark's samples (ns per operation): location, spread,
 * tail quantiles, a bootstrap interval for the median, flagged outliers, and plain-words
 * warnings when the spread is too wide for a comparison to mean anything.
 */
import { PerfError } from "../../core/errors.js";
import { quantileSorted } from "../../core/stats.js";
import { formatPercent } from "../../core/units.js";
import type { NonEmptyArray, SampleStats } from "../model.js";
import { bootstrapMedians, describeBootstrap } from "./bootstrap.js";
import { medianInPlace, medianOfSorted, prepareSamples, toPlainArray, type PreparedSamples } from "./prepared-samples.js";
import { createRandom } from "./random.js";

export interface SampleStatsOptions {
  /** Seed of the bootstrap; the same data and seed give the same interval. Default 1. */
  seed?: number;
  /** Bootstrap resamples, at least 100. Default 2000. */
  resamples?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;
const CI_LEVEL = 0.95;
/** 1/Φ⁻¹(3/4): makes the MAD estimate σ for normal data. */
const MAD_SCALE = 1.4826;
/** √(π/2): makes the mean absolute deviation estimate σ for normal data (used when the MAD is 0). */
const MEAN_AD_SCALE = 1.2533;
const OUTLIER_CUTOFF = 3.5;

// Limits beyond which a result is not fit to compare.
const MIN_SAMPLES = 10;
const MAX_CV = 0.1;
const MAX_CI_HALF_WIDTH = 0.05;
const MAX_OUTLIER_SHARE = 0.1;
const MAX_PROCESS_MEDIAN_SPREAD = 0.1;

export function computeSampleStats(samplesByProcess: NonEmptyArray<NonEmptyArray<number>>, options: SampleStatsOptions = {}): SampleStats {
  validateSamples(samplesByProcess);
  const resamples = validateResamples(options.resamples ?? DEFAULT_RESAMPLES);
  const prepared = prepareSamples(samplesByProcess);
  const sortedPool = toPlainArray(prepared.pooled);
  const n = sortedPool.length;

  let sum = 0;
  for (let i = 0; i < n; i++) sum += sortedPool[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sortedPool[i]! - mean) ** 2;
  const stdDev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const median = quantileSorted(sortedPool, 0.5);

  const deviations = new Float64Array(n);
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    deviations[i] = Math.abs(sortedPool[i]! - median);
    absSum += deviations[i]!;
  }
  const mad = MAD_SCALE * medianInPlace(deviations, n);

  const seed = options.seed ?? DEFAULT_SEED;
  const replicates = bootstrapMedians(prepared, resamples, createRandom(seed)).sort();
  const sortedReplicates = toPlainArray(replicates);
  const alphaHalf = (1 - CI_LEVEL) / 2;
  const medianCi = {
    low: quantileSorted(sortedReplicates, alphaHalf),
    high: quantileSorted(sortedReplicates, 1 - alphaHalf),
    level: CI_LEVEL,
    method: `${describeBootstrap(prepared, resamples)}, seed ${seed}`,
  };

  const outliers = flagOutliers(sortedPool, median, mad, (MEAN_AD_SCALE * absSum) / n);
  const cv = mean > 0 ? stdDev / mean : 0;
  const warnings = collectWarnings({ n, cv, median, medianCi, outlierCount: outliers.low + outliers.high, outlierMethod: outliers.method, prepared });

  return {
    n,
    processes: samplesByProcess.length,
    median,
    mean,
    min: sortedPool[0]!,
    max: sortedPool[n - 1]!,
    stdDev,
    mad,
    cv,
    p75: quantileSorted(sortedPool, 0.75),
    p95: quantileSorted(sortedPool, 0.95),
    p99: quantileSorted(sortedPool, 0.99),
    medianCi,
    outliers,
    fitToCompare: warnings.length === 0,
    warnings,
  };
}

/** Modified z-score rule (Iglewicz–Hoaglin): |x − median| > 3.5·MAD, with the scaled mean absolute deviation standing in when the MAD is 0. */
function flagOutliers(sorted: readonly number[], median: number, mad: number, meanAd: number): SampleStats["outliers"] {
  const useMad = mad > 0;
  const scale = useMad ? mad : meanAd;
  const method = useMad
    ? `|x − median| > ${OUTLIER_CUTOFF}·MAD (MAD scaled by ${MAD_SCALE})`
    : `|x − median| > ${OUTLIER_CUTOFF}·(${MEAN_AD_SCALE}·mean absolute deviation), because the MAD is 0`;
  if (scale === 0) return { low: 0, high: 0, method };
  const limit = OUTLIER_CUTOFF * scale;
  let low = 0;
  let high = 0;
  for (const x of sorted) {
    if (x < median - limit) low++;
    else if (x > median + limit) high++;
  }
  return { low, high, method };
}

interface WarningInputs {
  n: number;
  cv: number;
  median: number;
  medianCi: { low: number; high: number };
  outlierCount: number;
  outlierMethod: string;
  prepared: PreparedSamples;
}

function collectWarnings(input: WarningInputs): string[] {
  const { n, cv, median, medianCi, outlierCount, prepared } = input;
  const warnings: string[] = [];
  if (n < MIN_SAMPLES) {
    warnings.push(`only ${n} sample${n === 1 ? "" : "s"} (fewer than ${MIN_SAMPLES}): the spread cannot be judged; take more samples`);
  }
  if (cv > MAX_CV) {
    warnings.push(`coefficient of variation is ${formatPercent(cv)} (over ${formatPercent(MAX_CV, 0)}): times vary too much; quiet the machine or raise the batch size`);
  }
  const halfWidth = median > 0 ? (medianCi.high - medianCi.low) / 2 / median : 0;
  if (halfWidth > MAX_CI_HALF_WIDTH) {
    warnings.push(`95% CI of the median is ±${formatPercent(halfWidth)} (over ±${formatPercent(MAX_CI_HALF_WIDTH, 0)}): take more samples or processes`);
  }
  if (outlierCount / n > MAX_OUTLIER_SHARE) {
    warnings.push(`${outlierCount} of ${n} samples (${formatPercent(outlierCount / n)}) are outliers by ${input.outlierMethod} (over ${formatPercent(MAX_OUTLIER_SHARE, 0)}): something else is competing for the machine`);
  }
  if (prepared.processes.length >= 2 && median > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const proc of prepared.processes) {
      const m = medianOfSorted(proc);
      lo = Math.min(lo, m);
      hi = Math.max(hi, m);
    }
    const spread = (hi - lo) / median;
    if (spread > MAX_PROCESS_MEDIAN_SPREAD) {
      warnings.push(`process medians differ by ${formatPercent(spread)} of the median (over ${formatPercent(MAX_PROCESS_MEDIAN_SPREAD, 0)}): results depend on the process (JIT, memory layout); run more processes`);
    }
  }
  return warnings;
}

/** Throws MALFORMED_INPUT naming the first empty process or non-finite/negative sample. */
export function validateSamples(samplesByProcess: readonly (readonly number[])[]): void {
  if (samplesByProcess.length === 0) {
    throw new PerfError("USAGE", "no processes given: a benchmark result needs at least one sample", { hint: "run the benchmark before computing its statistics" });
  }
  samplesByProcess.forEach((samples, p) => {
    if (samples.length === 0) {
      throw new PerfError("MALFORMED_INPUT", `process ${p} has no samples`, { hint: "drop empty processes or re-run the benchmark" });
    }
    samples.forEach((x, i) => {
      if (!Number.isFinite(x) || x < 0) {
        throw new PerfError("MALFORMED_INPUT", `sample ${i} of process ${p} is ${String(x)}; expected a finite, non-negative time in ns per operation`, {
          hint: "the runner produced an invalid timing; re-run the benchmark",
        });
      }
    });
  });
}

export function validateResamples(resamples: number): number {
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 1_000_000) {
    throw new PerfError("USAGE", `resamples must be an integer from 100 to 1000000 (got ${resamples})`, { hint: "use the default of 2000" });
  }
  return resamples;
}
