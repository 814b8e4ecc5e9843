/**
 * Answers a RUM question from a store: percentiles, rating shares, groups, the slowest
 * routes, the daily trend and a regression verdict come from the hourly rollups (so a query
 * over millions of events merges histograms instead of sorting rows); attribution,
 * navigation-type groups and page-view samples from raw beacons.
 *
 *   const rum = await getRumData(store, { metric: "core_web_vitals", timeRange: "24h", sampleSize: 10000 });
 *   rum.metrics.LCP?.p75; rum.metrics.LCP?.rating; rum.samples?.filter((view) => (view.lcp ?? 0) > 4000);
 */
import { CORE_WEB_VITALS, RUM_THRESHOLDS, type RumMetric } from "../model.js";
import type { RumQuerySource, RumRawFilter } from "../store/rum-query-source.js";
import { aggregateRollups, roundRumValue, summarizeAggregate, type RumAggregate } from "./aggregate-rollups.js";
import { detectP75Regression } from "./detect-regression.js";
import { resolveRumQuery, type ResolvedRumQuery } from "./parse-rum-query.js";
import { aggregateByNavigationType, collectPageViews, summarizeAttribution } from "./raw-event-summaries.js";
import type { RumGroup, RumMetricReport, RumQuery, RumReport, RumSlowRoute } from "./rum-report.js";

/** A route needs this many values before its p75 is ranked among the slowest: fewer, and one slow visit decides it. */
export const SLOWEST_ROUTE_MIN_COUNT = 20;

function listGroups(metric: RumMetric, groups: ReadonlyMap<string, RumAggregate>, query: ResolvedRumQuery): RumGroup[] {
  const list = [...groups.entries()].map(([key, aggregate]) => ({ key, ...summarizeAggregate(metric, aggregate, query.percentiles) }));
  if (query.groupBy === "day") return list.sort((a, b) => (a.key < b.key ? -1 : 1));
  return list.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1)).slice(0, query.limit);
}

function listSlowestRoutes(metric: RumMetric, routes: ReadonlyMap<string, RumAggregate>, limit: number): RumSlowRoute[] {
  const list: RumSlowRoute[] = [];
  for (const [route, aggregate] of routes) {
    if (aggregate.count < SLOWEST_ROUTE_MIN_COUNT) continue;
    const stats = summarizeAggregate(metric, aggregate, []);
    if (stats.p75 === null || stats.rating === null) continue;
    list.push({ route, count: stats.count, p75: stats.p75, rating: stats.rating, poorShare: stats.distribution.poor });
  }
  return list.sort((a, b) => b.p75 - a.p75 || b.count - a.count).slice(0, limit);
}

async function reportMetric(source: RumQuerySource, metric: RumMetric, query: ResolvedRumQuery): Promise<RumMetricReport> {
  const dimension = query.groupBy === "device" || query.groupBy === "connection" ? { dimension: query.groupBy } : {};
  const rows = await source.readRollups({ metric, fromHour: query.from, toHour: query.to, ...query.filters, ...dimension });
  const aggregates = aggregateRollups(rows, query.groupBy);
  const round = (value: number): number => roundRumValue(metric, value);
  const rawFilter: RumRawFilter = { from: query.from, to: query.to, ...query.filters };
  const report: RumMetricReport = {
    metric,
    unit: RUM_THRESHOLDS[metric].unit,
    ...summarizeAggregate(metric, aggregates.total, query.percentiles),
    slowestRoutes: { minCount: SLOWEST_ROUTE_MIN_COUNT, routes: listSlowestRoutes(metric, aggregates.routes, query.limit) },
    trend: [...aggregates.days.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, aggregate]) => ({ day, count: aggregate.count, p75: round(aggregate.histogram.quantile(0.75)) })),
    regression: detectP75Regression(aggregates.days, round),
  };
  if (query.groupBy === "navigationType") report.groups = listGroups(metric, await aggregateByNavigationType(source, metric, rawFilter), query);
  else if (query.groupBy !== undefined) report.groups = listGroups(metric, aggregates.groups, query);
  if (CORE_WEB_VITALS.includes(metric)) report.topAttribution = await summarizeAttribution(source, metric, rawFilter, query.limit, round);
  return report;
}

/** Reads `query` (validated: a bad one throws PerfError USAGE saying what was wrong) from `source`. */
export async function getRumData(source: RumQuerySource, query: RumQuery): Promise<RumReport> {
  const resolved = resolveRumQuery(query);
  // Raw beacons not yet folded would be missing from the rollups, and superseded reports
  // still live on the raw rows: fold first, so both answer alike.
  await source.foldRollups();
  const report: RumReport = {
    version: 1,
    timeRange: { from: new Date(resolved.from).toISOString(), to: new Date(resolved.to).toISOString() },
    filters: resolved.filters,
    metrics: {},
  };
  if (resolved.groupBy !== undefined) report.groupBy = resolved.groupBy;
  for (const metric of resolved.metrics) report.metrics[metric] = await reportMetric(source, metric, resolved);
  if (resolved.sampleSize !== undefined) {
    report.samples = await collectPageViews(source, { from: resolved.from, to: resolved.to, ...resolved.filters }, resolved.sampleSize);
  }
  return report;
}
