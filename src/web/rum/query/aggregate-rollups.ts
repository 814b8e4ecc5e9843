/**
 * Adds rollup rows (any number of writers and hours) into the totals a report needs: the
 * whole range, each group, each route and each UTC day. Each row's histogram is decoded once,
 * straight into all of its targets.
 */
import { rateRumValue, RUM_THRESHOLDS, type RumMetric } from "../model.js";
import { decodeLogHistogramsInto, LogHistogram } from "../store/log-histogram.js";
import type { RumRollupRow } from "../store/rum-query-source.js";
import type { RumGroupBy, RumStats } from "./rum-report.js";

export class RumAggregate {
  readonly histogram = new LogHistogram();
  count = 0;
  good = 0;
  needsImprovement = 0;
  poor = 0;

  addCounts(row: { count: number; good: number; needsImprovement: number; poor: number }): void {
    this.count += row.count;
    this.good += row.good;
    this.needsImprovement += row.needsImprovement;
    this.poor += row.poor;
  }

  /** For raw rows: the same rating and histogram the store applies when it rolls up. */
  addValue(metric: RumMetric, value: number): void {
    const rating = rateRumValue(metric, value);
    this.addCounts({ count: 1, good: rating === "good" ? 1 : 0, needsImprovement: rating === "needs-improvement" ? 1 : 0, poor: rating === "poor" ? 1 : 0 });
    this.histogram.add(value);
  }
}

export interface RollupAggregates {
  total: RumAggregate;
  groups: Map<string, RumAggregate>;
  routes: Map<string, RumAggregate>;
  days: Map<string, RumAggregate>;
}

const DAY_MS = 86_400_000;
const dayNames = new Map<number, string>();

/** The UTC day (YYYY-MM-DD) of a time; cached, since every rollup row asks. */
export function dayOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 10_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}

function aggregateFor(map: Map<string, RumAggregate>, key: string): RumAggregate {
  let aggregate = map.get(key);
  if (!aggregate) {
    aggregate = new RumAggregate();
    map.set(key, aggregate);
  }
  return aggregate;
}

/**
 * Rows must carry the group-by dimension when grouping by device or connection (see
 * RumRollupFilter.dimension). Each row is decoded into its route and its day (and its group);
 * the total is then the sum of the days, which saves decoding every row a third time.
 */
export function aggregateRollups(rows: readonly RumRollupRow[], groupBy: RumGroupBy | undefined): RollupAggregates {
  const result: RollupAggregates = { total: new RumAggregate(), groups: new Map(), routes: new Map(), days: new Map() };
  const targets: RumAggregate[] = [];
  const histograms: LogHistogram[] = [];
  for (const row of rows) {
    const route = aggregateFor(result.routes, row.route);
    const day = aggregateFor(result.days, dayOf(row.day));
    targets.length = 0;
    targets.push(route, day);
    // navigationType is not a rollup dimension: its groups come from raw rows.
    if (groupBy === "device" || groupBy === "connection") targets.push(aggregateFor(result.groups, row.dimensionValue));
    histograms.length = 0;
    for (const target of targets) {
      target.addCounts(row);
      histograms.push(target.histogram);
    }
    decodeLogHistogramsInto(row.histograms, histograms);
  }
  for (const day of result.days.values()) {
    result.total.addCounts(day);
    result.total.histogram.merge(day.histogram);
  }
  if (groupBy === "route") result.groups = result.routes;
  if (groupBy === "day") result.groups = result.days;
  return result;
}

/** Rounds to what the unit can mean: 0.1 ms, or 4 decimals of a CLS score. */
export function roundRumValue(metric: RumMetric, value: number): number {
  const scale = RUM_THRESHOLDS[metric].unit === "ms" ? 10 : 10_000;
  return Math.round(value * scale) / scale;
}

export function percentileKey(p: number): string {
  return `p${p}`;
}

export function summarizeAggregate(metric: RumMetric, aggregate: RumAggregate, percentiles: readonly number[]): RumStats {
  const n = aggregate.count;
  const read = (p: number): number | null => (n === 0 ? null : roundRumValue(metric, aggregate.histogram.quantile(p / 100)));
  const values: Record<string, number | null> = {};
  for (const p of percentiles) values[percentileKey(p)] = read(p);
  const p75 = read(75);
  return {
    count: n,
    percentiles: values,
    p75,
    distribution: n === 0 ? { good: 0, needsImprovement: 0, poor: 0 } : { good: aggregate.good / n, needsImprovement: aggregate.needsImprovement / n, poor: aggregate.poor / n },
    rating: p75 === null ? null : rateRumValue(metric, p75),
  };
}
