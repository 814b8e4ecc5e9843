/**
 * Builds LoadResults for tests of the pure analysers and reporters: give the numbers that
 * matter to the test, the rest gets consistent defaults.
 */
import type { LatencySummary, LoadErrorKind, LoadResult, TimelinePoint } from "../../model.js";

export interface LoadResultInput {
  target?: string;
  model?: LoadResult["model"];
  durationMs?: number;
  /** Finished requests; split into ok and errors by `errors`. */
  completed?: number;
  errors?: Partial<Record<LoadErrorKind, number>>;
  throughput?: number;
  latency?: Partial<LatencySummary>;
  latencyUncorrected?: Partial<LatencySummary>;
  statusCodes?: Record<string, number>;
  lateSends?: number;
  droppedSends?: number;
  timeline?: TimelinePoint[];
  generator?: Partial<LoadResult["generator"]>;
  thresholds?: LoadResult["thresholds"];
  partial?: LoadResult["partial"];
}

/** A latency summary from a p50 and a p99; the other percentiles sit between them. */
export function buildLatency(input: Partial<LatencySummary> & { count?: number }): LatencySummary {
  const p50 = input.p50 ?? 10;
  const p99 = input.p99 ?? p50 * 2;
  const p90 = input.p90 ?? p50 + (p99 - p50) * 0.5;
  const p95 = input.p95 ?? p50 + (p99 - p50) * 0.75;
  const p999 = input.p999 ?? p99 * 1.2;
  const max = input.max ?? p999 * 1.1;
  return {
    count: input.count ?? 1000,
    min: input.min ?? p50 / 2,
    mean: input.mean ?? (p50 + p90) / 2,
    stdev: input.stdev ?? (p90 - p50) / 2,
    p50,
    p90,
    p95,
    p99,
    p999,
    max,
  };
}

export function buildLoadResult(input: LoadResultInput = {}): LoadResult {
  const durationMs = input.durationMs ?? 10_000;
  const completed = input.completed ?? 1000;
  const errors: Record<LoadErrorKind, number> = { refused: 0, reset: 0, timeout: 0, bad_response: 0, other: 0, ...input.errors };
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const latency = buildLatency({ count: completed, ...input.latency });
  return {
    version: 1,
    target: input.target ?? "http://127.0.0.1:8080/",
    model: input.model ?? { kind: "closed", connections: 10 },
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs,
    requests: { sent: completed, completed, ok: completed - errorCount, errors: errorCount },
    throughput: input.throughput ?? completed / (durationMs / 1000),
    latency,
    latencyUncorrected: input.latencyUncorrected ? buildLatency({ count: completed, ...input.latencyUncorrected }) : latency,
    statusCodes: input.statusCodes ?? { "200": completed - errorCount },
    errors,
    lateSends: input.lateSends ?? 0,
    droppedSends: input.droppedSends ?? 0,
    bytes: { in: completed * 200, out: completed * 80 },
    timeline: input.timeline ?? [],
    histogram: "",
    generator: { cpu: 0.2, eventLoopLagP99Ms: 2, saturated: false, reason: null, ...input.generator },
    thresholds: input.thresholds ?? [],
    partial: input.partial ?? null,
  };
}
