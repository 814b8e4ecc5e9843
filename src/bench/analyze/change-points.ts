import { PerfError } from "../../core/errors.js";
import { median } from "../../core/stats.js";
import { eDivisive } from "./e-divisive.js";
import { testWelch } from "./significance.js";

/**
 * Change points in a benchmark's history (one value per commit, oldest first): where the
 * level stepped, found by E-divisive means with a permutation test, each step described
 * by the segments either side of it and checked a second time by Welch's t-test.
 */

export interface ChangePointInput {
  /** What the point is, typically a commit hash. */
  key: string;
  value: number;
  /** When, e.g. the commit time (ISO 8601). */
  at?: string;
}

export interface ChangePointOptions {
  /** Significance level of each permutation test (default 0.01: a history is re-checked often, so false alarms add up). */
  alpha?: number;
  /** Permutations per test (default 199). */
  permutations?: number;
  /** Fewest points on each side of a change (default 5, at least 2): shorter runs are outliers, not levels. */
  minSegment?: number;
  /** Seed of the permutations: the same input and seed give the same answer (default 1). */
  seed?: number;
}

export interface SegmentSummary {
  /** Indices [from, to) of the segment. */
  from: number;
  to: number;
  count: number;
  mean: number;
  median: number;
}

export interface ChangePoint {
  /** Index of the first point after the step. */
  index: number;
  /** Key (commit) of the first point after the step: where the change came in. */
  key: string;
  at?: string;
  /** Key of the last point before the step. */
  previousKey: string;
  before: SegmentSummary;
  after: SegmentSummary;
  /** (after − before) / before, on the medians: +0.1 means 10% higher after. */
  relativeChange: number;
  /** Permutation-test p-value of the split (E-divisive). */
  pValue: number;
  /** Energy statistic of the split. */
  statistic: number;
  /** Welch t-test p-value between the two adjacent segments: a second, parametric check. */
  welchPValue: number;
}

const MAX_POINTS = 2000;

export function detectChangePoints(series: readonly ChangePointInput[], options: ChangePointOptions = {}): ChangePoint[] {
  const settings = validate(series, options);
  const values = series.map((p) => p.value);
  if (values.length < 2 * settings.minSegment) return [];

  const splits = eDivisive(values, settings);
  const cuts = [0, ...splits.map((s) => s.index).sort((a, b) => a - b), values.length];
  return splits
    .sort((a, b) => a.index - b.index)
    .map((split) => {
      const at = cuts.indexOf(split.index);
      const before = summarise(values, cuts[at - 1]!, split.index);
      const after = summarise(values, split.index, cuts[at + 1]!);
      const point = series[split.index]!;
      const welch = testWelch(values.slice(before.from, before.to), values.slice(after.from, after.to));
      return {
        index: split.index,
        key: point.key,
        ...(point.at !== undefined ? { at: point.at } : {}),
        previousKey: series[split.index - 1]!.key,
        before,
        after,
        relativeChange: before.median !== 0 ? (after.median - before.median) / Math.abs(before.median) : Number.NaN,
        pValue: split.pValue,
        statistic: split.statistic,
        welchPValue: welch.pValue,
      };
    });
}

function summarise(values: readonly number[], from: number, to: number): SegmentSummary {
  const part = values.slice(from, to);
  return { from, to, count: part.length, mean: part.reduce((s, v) => s + v, 0) / part.length, median: median(part) };
}

function validate(series: readonly ChangePointInput[], options: ChangePointOptions): { alpha: number; permutations: number; minSegment: number; seed: number } {
  const usage = (msg: string, hint: string): PerfError => new PerfError("USAGE", `detectChangePoints: ${msg}`, { hint });
  if (!Array.isArray(series)) throw usage("series must be an array of { key, value }", "pass the history oldest first: [{ key: commit, value: ns }, ...]");
  series.forEach((p, i) => {
    if (!p || typeof p.key !== "string" || typeof p.value !== "number" || !Number.isFinite(p.value)) {
      throw usage(`point ${i} is ${JSON.stringify(p)}, not { key: string, value: finite number }`, "drop errored runs before detecting change points");
    }
  });
  if (series.length > MAX_POINTS) {
    throw usage(`${series.length} points; the search keeps an n² table, so at most ${MAX_POINTS} are accepted`, "analyse a recent window, or one point per commit rather than per run");
  }
  const alpha = options.alpha ?? 0.01;
  if (!(alpha > 0 && alpha < 1)) throw usage(`alpha ${alpha} is not in (0, 1)`, "use a significance level such as 0.01 or 0.05");
  const permutations = options.permutations ?? 199;
  if (!Number.isInteger(permutations) || permutations < 9 || permutations > 100_000) throw usage(`permutations ${permutations} is not an integer in 9..100000`, "199 is the default; use 499+ for p-values below 0.01");
  if ((permutations + 1) * alpha < 1) throw usage(`with ${permutations} permutations no p-value can reach alpha ${alpha}`, `use at least ${Math.ceil(1 / alpha) - 1} permutations`);
  const minSegment = options.minSegment ?? 5;
  if (!Number.isInteger(minSegment) || minSegment < 2) throw usage(`minSegment ${minSegment} is not an integer ≥ 2`, "a segment needs at least 2 points to have a spread (default 5)");
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw usage(`seed ${seed} is not an integer`, "any integer; the default is 1");
  return { alpha, permutations, minSegment, seed };
}
