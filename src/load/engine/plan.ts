/**
 * Turns LoadOptions into a checked LoadPlan before any socket opens: bounds, URLs, the
 * loopback rule, the model (open or closed) and how connections, rate and request quota
 * are split across worker threads.
 */
import { availableParallelism } from "node:os";
import { PerfError } from "../../core/errors.js";
import { parseDuration } from "../../core/units.js";
import type { LoadOptions, LoadStage } from "../model.js";
import type { PlannedRequest, WorkerConfig, WorkerStage } from "./worker-protocol.js";

export interface LoadPlan {
  target: string;
  origin: string;
  model: "open" | "closed";
  arrival: "constant" | "poisson";
  /** Open model: the highest rate the run reaches (req/s). */
  peakRate: number;
  connections: number;
  /** Load phase length; null when only maxRequests bounds the run. */
  durationMs: number | null;
  maxRequests: number | null;
  timeoutMs: number;
  workers: WorkerConfig[];
}

const DEFAULT_CLOSED_CONNECTIONS = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

function usage(message: string, hint: string, url?: string): PerfError {
  return new PerfError("USAGE", message, { hint, ...(url === undefined ? {} : { where: { url } }) });
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts a load test may hit without allowRemote. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (h.startsWith("::ffff:")) return isLoopbackHost(h.slice(7));
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function parseTargetUrl(text: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage(`"${text}" is not a valid URL`, "give an absolute URL such as http://127.0.0.1:3000/path", text);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usage(`"${text}" uses ${url.protocol.replace(/:$/, "")}; load tests need http or https`, "use an http:// or https:// URL", text);
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw usage(
      `"${text}" is not on this machine (${url.hostname}); load tests only hit loopback by default`,
      "load only servers you own; pass allowRemote (CLI --allow-remote) to target another host",
      text,
    );
  }
  return url;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw usage(`${name} must be a positive number, got ${value}`, `set ${name} to 1 or more`);
  return Math.floor(value);
}

function durationMsOf(value: number | string, what: string): number {
  const parsed = parseDuration(value);
  if (parsed === null) throw usage(`${what} "${value}" is not a duration`, 'use seconds (30) or a string like "30s", "500ms", "2m"');
  return parsed as number;
}

function planStages(stages: LoadStage[]): WorkerStage[] {
  return stages.map((s, i) => {
    if (!Number.isFinite(s.target) || s.target < 0) throw usage(`stage ${i + 1} has target ${s.target}; it must be 0 or more`, "give each stage a target rate");
    return { durationMs: durationMsOf(s.duration, `stage ${i + 1} duration`), target: s.target };
  });
}

function planRequests(options: LoadOptions, base: URL, allowRemote: boolean): PlannedRequest[] {
  const specs = options.requests && options.requests.length > 0 ? options.requests : [{}];
  return specs.map((spec) => {
    const raw = spec.url ?? base.href;
    const url = parseTargetUrl(new URL(raw, base).href, allowRemote);
    // One undici pool per worker serves one origin; a mix across hosts would need several.
    if (url.origin !== base.origin) throw usage(`request URL ${url.href} is not on the target origin ${base.origin}`, "split a mix across origins into separate runs", url.href);
    const weight = spec.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0) throw usage(`request ${url.href} has weight ${weight}; weights must be positive`, "remove it or give it a weight above 0", url.href);
    return {
      method: (spec.method ?? options.method ?? "GET").toUpperCase(),
      path: url.pathname + url.search,
      headers: { ...options.headers, ...spec.headers },
      body: spec.body ?? options.body ?? null,
      weight,
    };
  });
}

/** Spreads `total` over `parts` so the shares differ by at most one and sum to `total`. */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export function planLoadTest(options: LoadOptions): LoadPlan {
  const allowRemote = options.allowRemote === true;
  const base = parseTargetUrl(options.target, allowRemote);
  const stages = options.stages && options.stages.length > 0 ? planStages(options.stages) : null;
  const durationMs = stages ? stages.reduce((a, s) => a + s.durationMs, 0) : options.duration === undefined ? null : durationMsOf(options.duration, "duration");
  const maxRequests = options.maxRequests === undefined ? null : positiveInt(options.maxRequests, "maxRequests", 1);
  if ((durationMs === null || durationMs <= 0) && maxRequests === null) {
    throw usage("a load test needs a bound: duration, stages or maxRequests", 'add duration (e.g. "10s") or maxRequests; runs never go unbounded', options.target);
  }
  const rate = options.requestsPerSecond;
  if (rate !== undefined && (!Number.isFinite(rate) || rate <= 0)) throw usage(`requestsPerSecond must be above 0, got ${rate}`, "omit it for the closed model");
  const model = rate !== undefined || stages ? "open" : "closed";
  const startRate = rate ?? 0;
  const peakRate = model === "open" ? Math.max(startRate, ...(stages ?? []).map((s) => s.target)) : 0;
  // Open model: enough connections to carry ~100 ms of the peak rate before sends must wait.
  const connections = positiveInt(options.concurrency, "concurrency", model === "open" ? Math.min(1000, Math.max(10, Math.ceil(peakRate / 10))) : DEFAULT_CLOSED_CONNECTIONS);
  const pipelining = positiveInt(options.pipelining, "pipelining", 1);
  const timeoutMs = positiveInt(options.timeoutMs, "timeoutMs", DEFAULT_TIMEOUT_MS);
  let workerCount = Math.max(1, Math.min(positiveInt(options.workers, "workers", availableParallelism()), connections));
  if (maxRequests !== null) workerCount = Math.min(workerCount, maxRequests);
  if (options.http2 && base.protocol !== "https:") throw usage(`HTTP/2 needs an https target; ${base.href} is cleartext`, "use https:// or drop http2 (undici negotiates h2 through TLS ALPN only)", base.href);

  const requests = planRequests(options, base, allowRemote);
  const mixOrder = options.mixOrder ?? "random";
  if (mixOrder !== "random" && mixOrder !== "sequence") throw usage(`mixOrder ${JSON.stringify(mixOrder)} is neither "random" nor "sequence"`, 'use "random" (by weight) or "sequence" (in order)');
  const connShares = splitEvenly(connections, workerCount);
  const quotaShares = maxRequests === null ? null : splitEvenly(maxRequests, workerCount);
  const workers: WorkerConfig[] = connShares.map((conns, i) => ({
    index: i,
    origin: base.origin,
    connections: conns,
    pipelining,
    http2: options.http2 === true,
    rejectUnauthorized: !isLoopbackHost(base.hostname),
    timeoutMs,
    requests,
    mixOrder,
    workerCount,
    model,
    arrival: options.arrival ?? "constant",
    // Each worker carries its share of the rate; constant arrivals are phase-shifted so the
    // workers' sends interleave instead of coinciding.
    rateShare: 1 / workerCount,
    phase: i / workerCount,
    startRate,
    stages: stages ?? (rate !== undefined && durationMs !== null ? [{ durationMs, target: rate }] : null),
    durationMs,
    maxRequests: quotaShares ? (quotaShares[i] ?? 0) : null,
  }));
  return { target: base.href, origin: base.origin, model, arrival: options.arrival ?? "constant", peakRate, connections, durationMs, maxRequests, timeoutMs, workers };
}
