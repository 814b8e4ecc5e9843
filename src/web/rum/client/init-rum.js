// @ts-check
/* global document, navigator, location, screen, fetch, Blob, addEventListener */
/**
 * perfscope's real-user-monitoring snippet (browser code, ES2020; tsc never sees it, esbuild
 * bundles it). It listens to web-vitals' attribution build, keeps the latest report of each
 * metric, and sends them as one `RumBeaconPayload` (../model.ts) when the page is hidden or
 * left. Nothing is stored in the browser (no cookies, no storage) and nothing identifies the
 * user: the page-view id is random and dies with the page.
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB } from "web-vitals/attribution";
import { flattenMetric } from "./flatten-attribution.js";

/** @typedef {import('../model.js').RumBeaconPayload} RumBeaconPayload */
/** @typedef {import('../model.js').DeviceClass} DeviceClass */
/** @typedef {import('../model.js').ConnectionType} ConnectionType */
/** @typedef {import('web-vitals/attribution').MetricWithAttribution} MetricWithAttribution */

const CONNECTION_TYPES = ["slow-2g", "2g", "3g", "4g"];
let started = false;

/** A random id for this page view: randomUUID where the context is secure, else getRandomValues. */
function createPageId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  if (c && typeof c.getRandomValues === "function") {
    return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
}

/**
 * The browser's own guess at the device class. userAgentData.mobile is the surest signal
 * (Chromium); otherwise the screen width: under 768 CSS px is a phone, under 1024 with a
 * touch screen a tablet, anything else a desktop. The collector may refine it from the UA.
 * @returns {DeviceClass}
 */
function detectDevice() {
  const nav = /** @type {any} */ (navigator);
  if (nav.userAgentData && nav.userAgentData.mobile === true) return "mobile";
  const width = globalThis.screen ? screen.width : 0;
  if (!width) return "unknown";
  if (width < 768) return "mobile";
  if (width < 1024 && navigator.maxTouchPoints > 0) return "tablet";
  return "desktop";
}

/** @returns {ConnectionType} */
function detectConnection() {
  const type = /** @type {any} */ (navigator).connection?.effectiveType;
  return CONNECTION_TYPES.includes(type) ? type : "unknown";
}

/**
 * Sends without a CORS preflight (text/plain) and survives the page going away. sendBeacon
 * returns false when the browser refuses to queue it (size quota); keepalive fetch is the
 * fallback, without credentials.
 * @param {string} endpoint
 * @param {string} json
 */
function sendPayload(endpoint, json) {
  try {
    if (typeof navigator.sendBeacon === "function" && navigator.sendBeacon(endpoint, new Blob([json], { type: "text/plain" }))) return;
  } catch {
    // An endpoint sendBeacon rejects outright gets one more chance through fetch.
  }
  if (typeof fetch === "function") {
    fetch(endpoint, { method: "POST", body: json, keepalive: true, credentials: "omit" }).catch(() => {});
  }
}

/**
 * Starts measuring this page view, if it is sampled. Returns whether it is. Safe to call more
 * than once (later calls do nothing); bad options mean "do nothing", never an exception.
 * @param {{ endpoint: string, sampleRate?: number, reportAllChanges?: boolean }} options
 * `sampleRate` is the share of page views measured, 0..1 (default 1; a value that is not a
 * number measures nothing rather than everything).
 * @returns {boolean}
 */
export function initRum({ endpoint, sampleRate = 1, reportAllChanges = false }) {
  if (started || typeof endpoint !== "string" || endpoint === "" || typeof document === "undefined") return false;
  started = true;
  // Decided once per page view: either every metric of a view is sent or none is.
  if (!(Math.random() < Number(sampleRate))) return false;

  let pageId = createPageId();
  /** @type {Map<string, MetricWithAttribution>} keyed by web-vitals' metric id, so a later report replaces an earlier */
  const queue = new Map();
  /** @param {MetricWithAttribution} metric */
  const enqueue = (metric) => {
    queue.set(metric.id, metric);
  };
  const flush = () => {
    if (queue.size === 0) return;
    const metrics = [...queue.values()];
    queue.clear();
    const last = metrics[metrics.length - 1];
    /** @type {RumBeaconPayload} */
    const payload = {
      v: 1,
      url: location.href,
      pageId,
      navigationType: last ? last.navigationType : undefined,
      device: detectDevice(),
      connection: detectConnection(),
      metrics: metrics.map(flattenMetric),
    };
    const memory = /** @type {any} */ (navigator).deviceMemory;
    if (typeof memory === "number") payload.deviceMemory = memory;
    sendPayload(endpoint, JSON.stringify(payload));
  };

  const opts = { reportAllChanges };
  onLCP(enqueue, opts);
  // INP always reports every change: web-vitals folds interactions in during an idle period,
  // and when the page is hidden before one comes (a click that navigates; headless Chromium
  // gives no idle time after input) that late fold only reports with reportAllChanges. The
  // queue keeps the latest value per id, so this sends nothing extra.
  onINP(enqueue, { reportAllChanges: true });
  onCLS(enqueue, opts);
  onFCP(enqueue, opts);
  onTTFB(enqueue, opts);
  // web-vitals reports on visibilitychange in window's capture phase; listening on document
  // (bubble) runs after it, so the final LCP/CLS/INP values are already queued here.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  // pagehide covers browsers that skip visibilitychange when a page is left.
  addEventListener("pagehide", flush);
  // A page restored from the back/forward cache is a new page view to the metrics.
  addEventListener("pageshow", (event) => {
    if (event.persisted) pageId = createPageId();
  });
  return true;
}
