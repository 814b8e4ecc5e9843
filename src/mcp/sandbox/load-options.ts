/**
 * Load options from a script, rebuilt field by field before a brokered load test runs:
 * only known fields, each of the right type and clamped to what the load_test tool allows,
 * so a script cannot ask the server for a million connections or hundreds of worker
 * threads. The targets were checked by checkLoadOptions; `allowRemote` is never passed on.
 */
import { availableParallelism } from "node:os";
import type { LoadOptions, LoadStage, RequestSpec } from "../../load/model.js";
import { isRecord } from "./broker-types.js";

const LIMITS = { concurrency: 10_000, requestsPerSecond: 200_000, maxRequests: 10_000_000, timeoutMs: 60_000, pipelining: 16, stages: 50, requests: 10_000, thresholds: 20 };

function clampNumber(value: unknown, max: number): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(value, max) : undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function pickRequest(value: unknown): RequestSpec | undefined {
  if (!isRecord(value)) return undefined;
  const headers = stringRecord(value.headers);
  const weight = clampNumber(value.weight, 1e9);
  return {
    ...(typeof value.method === "string" ? { method: value.method } : {}),
    ...(typeof value.url === "string" ? { url: value.url } : {}),
    ...(headers ? { headers } : {}),
    ...(typeof value.body === "string" ? { body: value.body } : {}),
    ...(weight !== undefined ? { weight } : {}),
  };
}

function pickStage(value: unknown): LoadStage | undefined {
  if (!isRecord(value) || (typeof value.duration !== "number" && typeof value.duration !== "string")) return undefined;
  const target = typeof value.target === "number" && Number.isFinite(value.target) && value.target >= 0 ? Math.min(value.target, LIMITS.requestsPerSecond) : undefined;
  return target === undefined ? undefined : { duration: value.duration, target };
}

const defined = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

/** The script's load options as the server will run them (the signal is the run's). */
export function sanitizeLoadOptions(value: unknown, signal: AbortSignal): LoadOptions {
  const o = isRecord(value) ? value : {};
  const keys = ["concurrency", "requestsPerSecond", "maxRequests", "timeoutMs", "pipelining"] as const;
  const numbers: Partial<Record<(typeof keys)[number], number>> = {};
  for (const key of keys) {
    const n = clampNumber(o[key], LIMITS[key]);
    if (n !== undefined) numbers[key] = n;
  }
  const workers = clampNumber(o.workers, availableParallelism());
  const headers = stringRecord(o.headers);
  return {
    target: typeof o.target === "string" ? o.target : "",
    ...numbers,
    ...(workers !== undefined ? { workers: Math.floor(workers) } : {}),
    ...(typeof o.method === "string" ? { method: o.method } : {}),
    ...(headers ? { headers } : {}),
    ...(typeof o.body === "string" ? { body: o.body } : {}),
    ...(Array.isArray(o.requests) ? { requests: defined(o.requests.slice(0, LIMITS.requests).map(pickRequest)) } : {}),
    ...(Array.isArray(o.stages) ? { stages: defined(o.stages.slice(0, LIMITS.stages).map(pickStage)) } : {}),
    ...(typeof o.duration === "number" || typeof o.duration === "string" ? { duration: o.duration } : {}),
    ...(o.arrival === "constant" || o.arrival === "poisson" ? { arrival: o.arrival } : {}),
    ...(o.mixOrder === "random" || o.mixOrder === "sequence" ? { mixOrder: o.mixOrder } : {}),
    ...(o.http2 === true ? { http2: true } : {}),
    ...(Array.isArray(o.thresholds) ? { thresholds: o.thresholds.filter((t): t is string => typeof t === "string").slice(0, LIMITS.thresholds) } : {}),
    signal,
  };
}
