/**
 * Real-user monitoring: the shapes every part of the chain agrees on. The browser snippet
 * sends a `RumBeaconPayload`; the collector validates it, folds its URL into a route,
 * classifies the device and stores one `RumEvent` per metric; queries read `RumEvent`s
 * (and the collector's histograms of them) back as a `RumReport`.
 */

/** The Core Web Vitals and their diagnostics that the snippet reports. FID is retired (web-vitals 5, CrUX 2024): INP replaced it. */
export const RUM_METRICS = ["LCP", "INP", "CLS", "FCP", "TTFB"] as const;
export type RumMetric = (typeof RUM_METRICS)[number];

/** The three metrics that make up Core Web Vitals today. */
export const CORE_WEB_VITALS: readonly RumMetric[] = ["LCP", "INP", "CLS"];

export type RumRating = "good" | "needs-improvement" | "poor";

/**
 * The thresholds Chrome, web-vitals and CrUX use: a value ≤ good is good, ≤ poor is
 * needs improvement, above is poor. Times in milliseconds; CLS is unitless.
 */
export const RUM_THRESHOLDS: Record<RumMetric, { good: number; poor: number; unit: "ms" | "score" }> = {
  LCP: { good: 2500, poor: 4000, unit: "ms" },
  INP: { good: 200, poor: 500, unit: "ms" },
  CLS: { good: 0.1, poor: 0.25, unit: "score" },
  FCP: { good: 1800, poor: 3000, unit: "ms" },
  TTFB: { good: 800, poor: 1800, unit: "ms" },
};

/** Rates a value the way web-vitals and CrUX do (thresholds inclusive on the good side). */
export function rateRumValue(metric: RumMetric, value: number): RumRating {
  const t = RUM_THRESHOLDS[metric];
  return value <= t.good ? "good" : value <= t.poor ? "needs-improvement" : "poor";
}

export type NavigationType = "navigate" | "reload" | "back-forward" | "back-forward-cache" | "prerender" | "restore";
export type DeviceClass = "mobile" | "tablet" | "desktop" | "unknown";
/** navigator.connection.effectiveType, or unknown where the browser does not expose it. */
export type ConnectionType = "slow-2g" | "2g" | "3g" | "4g" | "unknown";

/**
 * Attribution the snippet keeps per metric (a subset of web-vitals' attribution build, as
 * flat numbers and short strings so a beacon stays small):
 * - LCP: target (CSS selector of the element), url (of the image, if any), ttfb, loadDelay,
 *   loadDuration, renderDelay (the four LCP phases, ms)
 * - INP: target, type ("pointer" | "keyboard"), inputDelay, processing, presentation, loadState
 * - CLS: target (largest shift's element), shiftValue, shiftTime, loadState
 * - FCP: ttfb, fcpAfterTtfb, loadState
 * - TTFB: waiting, cache, dns, connection, request
 */
export type RumAttribution = Record<string, string | number>;

/** One metric inside a beacon, as web-vitals reported it. */
export interface RumBeaconMetric {
  name: RumMetric;
  value: number;
  rating: RumRating;
  /** web-vitals' metric id: unique per page view and metric (the snippet replaces a queued report by a later one with the same id). */
  id: string;
  attribution?: RumAttribution;
}

/**
 * What the snippet POSTs (as `text/plain` JSON, so `sendBeacon` needs no CORS preflight).
 * Nothing personal: no cookies, no user id, no IP stored, the query string never leaves
 * the collector.
 */
export interface RumBeaconPayload {
  /** Wire format version. */
  v: 1;
  /** location.href of the page (the collector strips query and fragment before storing). */
  url: string;
  /**
   * Random id of this page view (not of the user): ties a page's metrics together. A page
   * restored from the back/forward cache gets a new one, so (pageId, metric) names one
   * measurement: the store keeps the latest report of it (a page hidden twice reports twice).
   */
  pageId: string;
  navigationType?: NavigationType;
  /** The browser's own guess, from navigator.userAgentData.mobile and the screen width; client hints and the UA may refine it. */
  device?: DeviceClass;
  connection?: ConnectionType;
  /** navigator.deviceMemory in GiB, when exposed. */
  deviceMemory?: number;
  metrics: RumBeaconMetric[];
}

/** One stored measurement: one metric of one page view. */
export interface RumEvent {
  /** When the collector received it, ms since the epoch. */
  ts: number;
  pageId: string;
  metric: RumMetric;
  value: number;
  rating: RumRating;
  /** The URL folded into a route: "/product/:id" for "/product/123?ref=x". */
  route: string;
  /** Origin + path, without query or fragment. */
  url: string;
  device: DeviceClass;
  connection: ConnectionType;
  navigationType: NavigationType;
  /** The element the metric is about (LCP element, INP target, CLS largest shift), if any. */
  target?: string;
  attribution?: RumAttribution;
}

/** Where RUM events live. Both engines (SQLite, PostgreSQL) implement it with the same queries. */
export interface RumStore {
  readonly kind: "sqlite" | "postgres";
  /** Stores the events durably (committed) before it resolves: the collector acknowledges only after. */
  insertEvents(events: readonly RumEvent[]): Promise<void>;
  close(): Promise<void>;
}
