/** Real local HTTP servers for load-engine tests (loopback, random port). */
export { listenOnLoopback, reserveRefusingUrl, type RunningTestServer } from "./test-server.js";
export { startStallingServer, type StallingServer, type StallingServerOptions } from "./stalling-server.js";
export { startErrorServer, type ErrorServer, type ErrorServerOptions } from "./error-server.js";
export { startSlowAboveConcurrencyServer, type SlowAboveConcurrencyServer, type SlowAboveConcurrencyOptions } from "./slow-above-concurrency-server.js";
export { startMalformedResponseServer } from "./malformed-server.js";
