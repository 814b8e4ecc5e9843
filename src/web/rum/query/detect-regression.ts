/**
 * Did the latest day's p75 get significantly worse than the days before it in the range?
 * If the latest day's values came from the baseline distribution, a quarter of them would lie
 * above the baseline p75. We count how many do (from the latest day's histogram) and ask a
 * one-sided binomial question with the normal approximation: z = (share − 0.25) / √(0.25·0.75/n),
 * worse when z > 2.326 (α = 0.01). Because big samples make tiny shifts significant, the p75
 * must also have risen by at least 10 %.
 */
import { LogHistogram } from "../store/log-histogram.js";
import type { RumAggregate } from "./aggregate-rollups.js";
import type { RumRegression } from "./rum-report.js";

const Z_ONE_SIDED_1_PERCENT = 2.326;
const MIN_RELATIVE_CHANGE = 0.1;
/** Fewer values than this on either side and neither p75 means much. */
const MIN_VALUES = 100;

export const REGRESSION_METHOD =
  "latest UTC day vs all earlier days in the range: share of the latest day's values above the baseline p75, one-sided binomial z-test against 25 % at α = 0.01, and a p75 rise of at least 10 %";

export function detectP75Regression(days: ReadonlyMap<string, RumAggregate>, round: (value: number) => number): RumRegression {
  const ordered = [...days.entries()].filter(([, a]) => a.count > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  const latestEntry = ordered.at(-1);
  if (!latestEntry || ordered.length < 2) return { detected: false, method: REGRESSION_METHOD, notTested: "needs values on at least two UTC days in the range (use a range of several days, e.g. 7d)" };
  const [day, latest] = latestEntry;
  const baseline = new LogHistogram();
  for (const [, aggregate] of ordered.slice(0, -1)) baseline.merge(aggregate.histogram);
  if (latest.count < MIN_VALUES || baseline.count < MIN_VALUES) {
    return { detected: false, method: REGRESSION_METHOD, day, notTested: `needs at least ${MIN_VALUES} values on the latest day and before it (has ${latest.count} and ${baseline.count})` };
  }
  const baselineP75 = baseline.quantile(0.75);
  const p75 = latest.histogram.quantile(0.75);
  const n = latest.count;
  const share = latest.histogram.countAbove(baselineP75) / n;
  const z = (share - 0.25) / Math.sqrt((0.25 * 0.75) / n);
  const relativeChange = baselineP75 > 0 ? (p75 - baselineP75) / baselineP75 : null;
  const bigEnough = relativeChange === null ? p75 > 0 : relativeChange >= MIN_RELATIVE_CHANGE;
  return {
    detected: z > Z_ONE_SIDED_1_PERCENT && bigEnough,
    method: REGRESSION_METHOD,
    day,
    p75: round(p75),
    baselineP75: round(baselineP75),
    relativeChange: relativeChange === null ? null : Math.round(relativeChange * 10_000) / 10_000,
    shareAboveBaselineP75: Math.round(share * 10_000) / 10_000,
    z: Math.round(z * 100) / 100,
  };
}
