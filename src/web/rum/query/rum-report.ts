/**
 * What `getRumData` is asked and what it answers. Values are in the metric's unit
 * (milliseconds, or the unitless CLS score); shares are fractions of 1.
 */
import type { ConnectionType, DeviceClass, RumMetric, RumRating } from "../model.js";

export type RumGroupBy = "route" | "device" | "connection" | "navigationType" | "day";

/** Relative to now (`RumQuery.now`, default the clock), or absolute bounds. */
export type RumTimeRange = "30m" | "24h" | "7d" | "30d" | { from: Date | number; to: Date | number };

export interface RumQuery {
  /** One metric, several, or "core_web_vitals" (LCP, INP, CLS). Names are case-insensitive. */
  metric: RumMetric | "core_web_vitals" | readonly RumMetric[];
  /** Default "24h". Widened to whole UTC hours (the rollups' grain): never narrower than asked. */
  timeRange?: RumTimeRange;
  groupBy?: RumGroupBy;
  /** Default [50, 75, 95]; each in (0, 100]. */
  percentiles?: readonly number[];
  filters?: { route?: string; device?: DeviceClass; connection?: ConnectionType };
  /** Longest list of groups, slowest routes and attribution targets (default 20). */
  limit?: number;
  /** Also return up to this many recent page views, one row each with its metric values. */
  sampleSize?: number;
  /** The "now" that relative time ranges end at; default the current time. */
  now?: Date | number;
}

export interface RumDistribution {
  good: number;
  needsImprovement: number;
  poor: number;
}

export interface RumStats {
  count: number;
  /** Keyed "p50", "p75", "p95", "p99.9"…; null when there are no values. */
  percentiles: Record<string, number | null>;
  /** Always computed: the value CrUX and web-vitals rate a page by. */
  p75: number | null;
  /** Shares of good / needs-improvement / poor values, counted exactly when stored; they sum to 1 (all 0 when empty). */
  distribution: RumDistribution;
  /** The rating of the p75, as CrUX rates an origin. */
  rating: RumRating | null;
}

export interface RumGroup extends RumStats {
  key: string;
}

export interface RumSlowRoute {
  route: string;
  count: number;
  p75: number;
  rating: RumRating;
  poorShare: number;
}

export interface RumAttributionTarget {
  target: string;
  count: number;
  share: number;
  median: number;
}

export interface RumAttribution {
  /** Events with a target read (the most recent ones, at most the cap in `method`). */
  examined: number;
  /** True when every event with a target in the range was read, so counts are totals. */
  complete: boolean;
  method: string;
  targets: RumAttributionTarget[];
}

export interface RumTrendDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  count: number;
  p75: number;
}

export interface RumRegression {
  detected: boolean;
  method: string;
  /** Why no verdict could be reached (too few days or values); absent when tested. */
  notTested?: string;
  day?: string;
  p75?: number;
  baselineP75?: number;
  /** (p75 − baseline p75) / baseline p75; null when the baseline p75 is 0. */
  relativeChange?: number | null;
  shareAboveBaselineP75?: number;
  z?: number;
}

export interface RumMetricReport extends RumStats {
  metric: RumMetric;
  unit: "ms" | "score";
  /** Per group-by key, most values first (by day: in date order). */
  groups?: RumGroup[];
  /** Routes by p75, slowest first; only routes with at least `minCount` values. */
  slowestRoutes: { minCount: number; routes: RumSlowRoute[] };
  /** LCP, INP and CLS only: the elements the metric was most often about. */
  topAttribution?: RumAttribution;
  trend: RumTrendDay[];
  regression: RumRegression;
}

/** One page view with the values it reported (the latest report per metric). */
export interface RumPageView {
  pageId: string;
  ts: number;
  route: string;
  device: string;
  connection: string;
  navigationType: string;
  lcp?: number;
  inp?: number;
  cls?: number;
  fcp?: number;
  ttfb?: number;
}

export interface RumReport {
  version: 1;
  /** The range covered, ISO 8601: the asked one widened to whole UTC hours. */
  timeRange: { from: string; to: string };
  groupBy?: RumGroupBy;
  filters: { route?: string; device?: string; connection?: string };
  metrics: Partial<Record<RumMetric, RumMetricReport>>;
  samples?: RumPageView[];
}
