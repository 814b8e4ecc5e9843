/**
 * The collector's options, their defaults and their checks. A bad option is a usage error
 * raised at start, never a surprise under traffic.
 */
import { PerfError } from "../../../core/errors.js";
import type { RumStore } from "../model.js";
import type { RouteRule } from "./normalize-route.js";
import type { RateLimitOptions } from "./rate-limiter.js";
import { MAX_METRICS } from "./validate-beacon.js";

export interface RumCollectorOptions {
  /**
   * Where beacons go. A SQLite path or postgres:// URL: the collector opens the store itself,
   * in a worker thread that parses, checks and writes beacons on a second core while the
   * calling thread serves HTTP (closed again by close()). A store object: all of it runs in
   * the calling thread, and the caller closes the store. (startRumCollectorThread runs the
   * HTTP side in a worker of its own too.)
   */
  store: RumStore | string;
  /** With a SQLite path: "normal" (default) survives a crash of perfscope, "full" also a power cut. */
  durability?: "normal" | "full";
  /** Loopback by default: exposing the collector is a decision (`--host 0.0.0.0`). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where beacons are POSTed (default "/rum"). */
  path?: string;
  /**
   * Origins whose pages may send beacons (exact "https://shop.example", or "*"). Unset: any
   * origin is accepted and no CORS headers are sent (sendBeacon does not need them).
   */
  allowedOrigins?: string[];
  /** Bodies beyond this get 413 (default 16 KiB). */
  maxBodyBytes?: number;
  /** Per-IP token buckets (default 50/s, burst 200); false turns the limit off. */
  rateLimit?: RateLimitOptions | false;
  /** Read the client IP from the last X-Forwarded-For entry, the one your proxy appended (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Custom route rules, tried before the built-in folding. */
  routeRules?: RouteRule[];
  /**
   * Group commit (defaults 500 events, 20 ms): a batch closes at maxEvents events, maxDelayMs
   * after its first beacon, or as soon as a turn of the event loop brings no new beacon.
   */
  batch?: { maxEvents?: number; maxDelayMs?: number };
  /** Events waiting for or in a write, at most; beyond, beacons get 503 (default 20,000). */
  maxQueuedEvents?: number;
  /** Open connections, at most (default 1,024): with maxBodyBytes it bounds buffered bodies. */
  maxConnections?: number;
  /** A file served at GET /perfscope-rum.js (read once at start, with an ETag). */
  serveSnippet?: string;
  /** Store failures and unexpected errors; the collector never prints. */
  onError?: (error: unknown) => void;
}

export interface ResolvedCollectorOptions {
  store: RumStore | string;
  durability: "normal" | "full" | undefined;
  host: string;
  port: number;
  path: string;
  allowedOrigins: ReadonlySet<string> | undefined;
  anyOrigin: boolean;
  maxBodyBytes: number;
  rateLimit: RateLimitOptions | false;
  trustProxy: boolean;
  routeRules: readonly RouteRule[] | undefined;
  maxBatchEvents: number;
  maxBatchDelayMs: number;
  maxQueuedEvents: number;
  maxConnections: number;
  serveSnippet: string | undefined;
  onError: (error: unknown) => void;
}

export const COLLECTOR_DEFAULTS = {
  host: "127.0.0.1",
  path: "/rum",
  maxBodyBytes: 16 * 1024,
  rateLimit: { perIpPerSecond: 50, burst: 200 },
  maxBatchEvents: 500,
  maxBatchDelayMs: 20,
  maxQueuedEvents: 20_000,
  maxConnections: 1024,
} as const;

function usage(message: string, hint: string): PerfError {
  return new PerfError("USAGE", `RUM collector: ${message}`, { hint });
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw usage(`${name} must be a positive integer, got ${String(value)}`, `Pass ${name} ≥ 1 or leave it out for ${fallback}.`);
  return v;
}

function resolveMaxQueuedEvents(value: number | undefined): number {
  const v = positiveInteger(value, COLLECTOR_DEFAULTS.maxQueuedEvents, "maxQueuedEvents");
  // The queue must hold one full beacon, or a beacon of 20 metrics could never get in.
  if (v < MAX_METRICS) throw usage(`maxQueuedEvents must be ≥ ${MAX_METRICS} (one full beacon), got ${v}`, "Leave it out for 20,000.");
  return v;
}

/** Fills in defaults and checks every option; throws PerfError("USAGE") on a bad one. */
export function resolveCollectorOptions(options: RumCollectorOptions): ResolvedCollectorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`port must be 0..65535, got ${port}`, "Pass 0 to pick a free port.");
  const path = options.path ?? COLLECTOR_DEFAULTS.path;
  if (!path.startsWith("/") || path.includes("?") || path === "/healthz" || path === "/perfscope-rum.js") {
    throw usage(`path ${JSON.stringify(path)} is not usable`, 'Use an absolute path without a query, such as "/rum".');
  }
  const origins = options.allowedOrigins;
  for (const origin of origins ?? []) {
    if (origin !== "*" && !/^https?:\/\/[^/?#\s]+$/.test(origin)) {
      throw usage(`allowed origin ${JSON.stringify(origin)} is not an origin`, 'An origin is scheme://host[:port] with no path, e.g. "https://shop.example", or "*".');
    }
  }
  const rateLimit = options.rateLimit ?? COLLECTOR_DEFAULTS.rateLimit;
  if (rateLimit !== false && !(rateLimit.perIpPerSecond > 0 && rateLimit.burst >= 1)) {
    throw usage(`rate limit ${JSON.stringify(rateLimit)} is not usable`, "perIpPerSecond must be > 0 and burst ≥ 1; pass false to turn the limit off.");
  }
  const maxBatchEvents = positiveInteger(options.batch?.maxEvents, COLLECTOR_DEFAULTS.maxBatchEvents, "batch.maxEvents");
  const maxBatchDelayMs = options.batch?.maxDelayMs ?? COLLECTOR_DEFAULTS.maxBatchDelayMs;
  if (!(maxBatchDelayMs >= 0)) throw usage(`batch.maxDelayMs must be ≥ 0, got ${maxBatchDelayMs}`, "Pass 0 to write as soon as the event loop is free.");
  const durability = options.durability;
  if (durability !== undefined && durability !== "normal" && durability !== "full") throw usage(`durability ${JSON.stringify(durability)} is neither "normal" nor "full"`, 'Use "normal" (survives a crash of perfscope) or "full" (also a power cut).');
  if (durability !== undefined && typeof options.store !== "string") throw usage("durability applies only when the collector opens the store (a path or URL)", "Pass durability to openSqliteRumStore instead, or give the store as a path.");
  if (typeof options.store === "string" && options.store.trim() === "") throw usage("store path is empty", 'Give a SQLite file such as ".perfscope/rum.sqlite" or a postgres:// URL.');
  return {
    store: options.store,
    durability,
    host: options.host ?? COLLECTOR_DEFAULTS.host,
    port,
    path,
    allowedOrigins: origins === undefined ? undefined : new Set(origins),
    anyOrigin: origins?.includes("*") ?? false,
    maxBodyBytes: positiveInteger(options.maxBodyBytes, COLLECTOR_DEFAULTS.maxBodyBytes, "maxBodyBytes"),
    rateLimit,
    trustProxy: options.trustProxy ?? false,
    routeRules: options.routeRules,
    maxBatchEvents,
    maxBatchDelayMs,
    maxQueuedEvents: resolveMaxQueuedEvents(options.maxQueuedEvents),
    maxConnections: positiveInteger(options.maxConnections, COLLECTOR_DEFAULTS.maxConnections, "maxConnections"),
    serveSnippet: options.serveSnippet,
    onError: options.onError ?? (() => undefined),
  };
}
