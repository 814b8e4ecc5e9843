/**
 * The parts of a report that need raw beacons: attribution targets, groups by navigation
 * type (not a rollup dimension) and page-view samples. Superseded reports are NULL on the raw
 * rows (the fold saw to it), so every value read here is a page view's latest.
 */
import type { RumMetric } from "../model.js";
import type { RumQuerySource, RumRawFilter } from "../store/rum-query-source.js";
import { RumAggregate } from "./aggregate-rollups.js";
import type { RumAttribution, RumPageView } from "./rum-report.js";

/**
 * Attribution reads the most recent events with a target, at most this many per metric: the
 * most common targets and their shares are stable long before that, and the cost stays
 * bounded however many millions of events the range holds.
 */
export const ATTRIBUTION_EVENT_CAP = 20_000;

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function summarizeAttribution(source: RumQuerySource, metric: RumMetric, filter: RumRawFilter, limit: number, round: (value: number) => number): Promise<RumAttribution> {
  const rows = await source.readMetricValues(metric, filter, "target", ATTRIBUTION_EVENT_CAP);
  const byTarget = new Map<string, number[]>();
  for (const row of rows) {
    let values = byTarget.get(row.key);
    if (!values) {
      values = [];
      byTarget.set(row.key, values);
    }
    values.push(row.value);
  }
  const targets = [...byTarget.entries()]
    .sort(([ta, a], [tb, b]) => b.length - a.length || (ta < tb ? -1 : 1))
    .slice(0, limit)
    .map(([target, values]) => ({ target, count: values.length, share: values.length / rows.length, median: round(median(values.sort((a, b) => a - b))) }));
  return {
    examined: rows.length,
    complete: rows.length < ATTRIBUTION_EVENT_CAP,
    method: `events with a target, grouped by target; the most recent ${ATTRIBUTION_EVENT_CAP} at most; median of their exact values`,
    targets,
  };
}

/** Navigation type is kept on raw rows only, so these groups read every value of the metric in the range. */
export async function aggregateByNavigationType(source: RumQuerySource, metric: RumMetric, filter: RumRawFilter): Promise<Map<string, RumAggregate>> {
  const groups = new Map<string, RumAggregate>();
  for (const row of await source.readMetricValues(metric, filter, "navigationType")) {
    let aggregate = groups.get(row.key);
    if (!aggregate) {
      aggregate = new RumAggregate();
      groups.set(row.key, aggregate);
    }
    aggregate.addValue(metric, row.value);
  }
  return groups;
}

const SAMPLE_KEYS = ["lcp", "inp", "cls", "fcp", "ttfb"] as const;

/**
 * The most recent page views, one row each, with the newest beacon's time and dimensions.
 * Each (page, metric) has one live value, whichever beacon holds it.
 */
export async function collectPageViews(source: RumQuerySource, filter: RumRawFilter, sampleSize: number): Promise<RumPageView[]> {
  const views = new Map<string, RumPageView>();
  for (const row of await source.readPageViews(filter, sampleSize)) {
    let view = views.get(row.pageId);
    if (!view) {
      view = { pageId: row.pageId, ts: row.ts, route: row.route, device: row.device, connection: row.connection, navigationType: row.navigationType };
      views.set(row.pageId, view);
    }
    for (let m = 0; m < SAMPLE_KEYS.length; m++) {
      const value = row.values[m];
      const key = SAMPLE_KEYS[m] as (typeof SAMPLE_KEYS)[number];
      if (value !== null && value !== undefined && view[key] === undefined) view[key] = value;
    }
  }
  return [...views.values()];
}
