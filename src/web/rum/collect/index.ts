/** The RUM collector's public surface: start it, or use its pieces (route folding, device, validation) alone. */
export { startRumCollector, type RumCollector, type RumCollectorOptions, type RumCollectorStats } from "./collector.js";
export { startRumCollectorThread, type RumCollectorThread, type RumCollectorThreadOptions } from "./collector-thread.js";
export { normalizeRoute, normalizePath, MAX_ROUTE_LENGTH, type NormalizedRoute, type RouteRule } from "./normalize-route.js";
export { classifyDevice, classifyUserAgent, type DeviceHeaders } from "./classify-device.js";
export { validateRumBeacon, RUM_ATTRIBUTION_KEYS, type BeaconCheck } from "./validate-beacon.js";
export type { RateLimitOptions } from "./rate-limiter.js";
export type { RejectReason } from "./collector-http.js";
