// @ts-check
/**
 * Browser code (ES2020, not compiled by tsc): turns one web-vitals attribution-build metric
 * into the small flat `RumBeaconMetric` of the wire format (see ../model.ts). Only the fields
 * the collector stores survive: DOM nodes and performance entries stay in the page.
 */

/** @typedef {import('../model.js').RumBeaconMetric} RumBeaconMetric */
/** @typedef {import('../model.js').RumAttribution} RumAttribution */
/** @typedef {import('web-vitals/attribution').MetricWithAttribution} MetricWithAttribution */

const MAX_STRING = 200;

/**
 * For each metric, the flat key and the web-vitals attribution field it comes from, and how
 * the value is shaped: "ms" rounds to 0.1 ms, "score" keeps 4 decimals (CLS), "text" is a
 * short string, "url" a string without query or fragment (they may carry tokens).
 * @type {Record<string, Array<[string, string, "ms" | "score" | "text" | "url"]>>}
 */
const FIELDS = {
  LCP: [
    ["target", "target", "text"],
    ["url", "url", "url"],
    ["ttfb", "timeToFirstByte", "ms"],
    ["loadDelay", "resourceLoadDelay", "ms"],
    ["loadDuration", "resourceLoadDuration", "ms"],
    ["renderDelay", "elementRenderDelay", "ms"],
  ],
  INP: [
    ["target", "interactionTarget", "text"],
    ["type", "interactionType", "text"],
    ["inputDelay", "inputDelay", "ms"],
    ["processing", "processingDuration", "ms"],
    ["presentation", "presentationDelay", "ms"],
    ["loadState", "loadState", "text"],
  ],
  CLS: [
    ["target", "largestShiftTarget", "text"],
    ["shiftValue", "largestShiftValue", "score"],
    ["shiftTime", "largestShiftTime", "ms"],
    ["loadState", "loadState", "text"],
  ],
  FCP: [
    ["ttfb", "timeToFirstByte", "ms"],
    ["fcpAfterTtfb", "firstByteToFCP", "ms"],
    ["loadState", "loadState", "text"],
  ],
  TTFB: [
    ["waiting", "waitingDuration", "ms"],
    ["cache", "cacheDuration", "ms"],
    ["dns", "dnsDuration", "ms"],
    ["connection", "connectionDuration", "ms"],
    ["request", "requestDuration", "ms"],
  ],
};

/**
 * Rounds to `decimals` places; non-finite numbers (a browser quirk, never a real timing)
 * become undefined so they are left out rather than sent as null.
 * @param {unknown} value
 * @param {number} decimals
 */
export function roundTo(value, decimals) {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * @param {unknown} value
 * @param {"ms" | "score" | "text" | "url"} shape
 * @returns {string | number | undefined}
 */
function shapeValue(value, shape) {
  if (shape === "ms") return roundTo(value, 1);
  if (shape === "score") return roundTo(value, 4);
  if (typeof value !== "string" || value === "") return undefined;
  const text = shape === "url" ? value.split(/[?#]/)[0] : value;
  const cut = text.slice(0, MAX_STRING);
  // Never end on half of a surrogate pair: the collector rightly refuses lone surrogates.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * One web-vitals report → one beacon metric. CLS keeps 4 decimals, times 0.1 ms.
 * @param {MetricWithAttribution} metric
 * @returns {RumBeaconMetric}
 */
export function flattenMetric(metric) {
  /** @type {RumBeaconMetric} */
  const out = {
    name: metric.name,
    value: roundTo(metric.value, metric.name === "CLS" ? 4 : 1) ?? 0,
    rating: metric.rating,
    id: metric.id,
  };
  const source = /** @type {Record<string, unknown> | undefined} */ (metric.attribution);
  const fields = FIELDS[metric.name];
  if (!source || !fields) return out;
  /** @type {RumAttribution} */
  const attribution = {};
  for (const [key, from, shape] of fields) {
    const value = shapeValue(source[from], shape);
    if (value !== undefined) attribution[key] = value;
  }
  if (Object.keys(attribution).length > 0) out.attribution = attribution;
  return out;
}
