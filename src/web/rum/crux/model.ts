import { RUM_THRESHOLDS, type RumMetric, type RumRating } from "../model.js";

/**
 * Chrome UX Report field data, whatever it came from (CrUX API, CrUX History API, BigQuery):
 * one model so comparisons and reports need not care about the source. A file can hold
 * several keys (BigQuery rows for phone and desktop), hence `records`.
 */
export const CRUX_FIELD_DATA_VERSION = 1 as const;

export type CruxSource = "crux-api" | "crux-history-api" | "bigquery";
/** The RUM metrics plus FID, which CrUX still reports for older periods (retired in 2024). */
export type CruxMetric = RumMetric | "FID";
export const CRUX_METRICS: readonly CruxMetric[] = ["LCP", "INP", "CLS", "FCP", "TTFB", "FID"];
export const RETIRED_CRUX_METRICS: readonly CruxMetric[] = ["FID"];
export type CruxFormFactor = "ALL_FORM_FACTORS" | "PHONE" | "DESKTOP" | "TABLET";

/** Calendar dates as "YYYY-MM-DD"; both ends inclusive, as CrUX defines them. */
export interface CruxPeriod {
  firstDate: string;
  lastDate: string;
}

/** Shares of page loads (0–1, summing to 1) in each rating band. */
export interface CruxShares {
  good: number;
  needsImprovement: number;
  poor: number;
}

export interface CruxPoint {
  period: CruxPeriod | null;
  /** ms, or the unitless score for CLS; null when CrUX had too little data that period. */
  p75: number | null;
  /** True when p75 was interpolated from a histogram (BigQuery raw tables carry no percentiles). */
  p75Estimated: boolean;
  shares: CruxShares | null;
}

export interface CruxMetricData extends CruxPoint {
  metric: CruxMetric;
  /** The name the source used ("largest_contentful_paint", "p75_lcp", ...). */
  sourceName: string;
  retired: boolean;
  /** One point per period, oldest first (History API, or BigQuery rows of several months). The headline values are the latest point with data. */
  series?: CruxPoint[];
}

export interface CruxKey {
  origin?: string;
  url?: string;
  formFactor: CruxFormFactor;
  effectiveConnectionType?: string;
}

export interface CruxRecord {
  key: CruxKey;
  /** The latest period covered (the one the headline values describe). */
  period: CruxPeriod | null;
  /** Every period covered, oldest first, when there is more than one. */
  periods?: CruxPeriod[];
  metrics: CruxMetricData[];
  /** Metrics the source carried that perfscope does not compare (round_trip_time, navigation_types, p75_fp, ...). */
  extraMetrics: string[];
}

export interface CruxFieldData {
  version: typeof CRUX_FIELD_DATA_VERSION;
  source: CruxSource;
  file?: string;
  records: CruxRecord[];
  /** Things the importer did that a reader should know (merged connection types, normalised densities). */
  notes: string[];
}

/** CrUX API / History API metric names → perfscope metrics. */
export const CRUX_API_METRIC_NAMES: Readonly<Record<string, CruxMetric>> = {
  largest_contentful_paint: "LCP",
  interaction_to_next_paint: "INP",
  experimental_interaction_to_next_paint: "INP",
  cumulative_layout_shift: "CLS",
  first_contentful_paint: "FCP",
  experimental_time_to_first_byte: "TTFB",
  time_to_first_byte: "TTFB",
  first_input_delay: "FID",
};

/** FID's thresholds (web.dev): the RUM model no longer carries them since INP replaced FID. */
const FID_THRESHOLDS = { good: 100, poor: 300, unit: "ms" as const };

export function thresholdsOf(metric: CruxMetric): { good: number; poor: number; unit: "ms" | "score" } {
  return metric === "FID" ? FID_THRESHOLDS : RUM_THRESHOLDS[metric];
}

/** Rates a value as CrUX does (good side inclusive). */
export function rateCruxValue(metric: CruxMetric, value: number): RumRating {
  const t = thresholdsOf(metric);
  return value <= t.good ? "good" : value <= t.poor ? "needs-improvement" : "poor";
}

/** "2024-06-23" from CrUX's {year, month, day}. */
export function formatCruxDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The calendar month BigQuery's monthly tables cover. */
export function monthPeriod(year: number, month: number): CruxPeriod {
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { firstDate: formatCruxDate(year, month, 1), lastDate: formatCruxDate(year, month, lastDay) };
}

/** The headline of a series: its latest point that has any data. */
export function latestPointWithData(series: readonly CruxPoint[]): CruxPoint | undefined {
  for (let i = series.length - 1; i >= 0; i--) {
    const p = series[i]!;
    if (p.p75 !== null || p.shares !== null) return p;
  }
  return undefined;
}
