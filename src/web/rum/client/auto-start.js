// @ts-check
/* global document, window */
/**
 * Entry of the script-tag build: starts from the tag's own data attributes
 *   <script src="/perfscope-rum.iife.js" data-endpoint="/rum" data-sample-rate="0.5"></script>
 * (data-report-all-changes="true" to report every change) and exposes
 * `window.perfscopeRum.initRum` for pages that start it themselves (no data-endpoint).
 */
import { initRum } from "./init-rum.js";

const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
const data = script ? script.dataset : {};
/** @type {any} */ (window).perfscopeRum = { initRum };
if (data.endpoint) {
  initRum({
    endpoint: data.endpoint,
    sampleRate: data.sampleRate === undefined ? 1 : Number(data.sampleRate),
    reportAllChanges: data.reportAllChanges === "true",
  });
}
