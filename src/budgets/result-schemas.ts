/**
 * zod schemas of the saved results a budget reads (BenchRun, BenchComparison[], LoadResult).
 * Typed against the models, so tsc flags a model change that these no longer describe.
 */
import { z } from "zod";
import type { BenchComparison, BenchRun, CompletedBenchResult, ErroredBenchResult } from "../bench/model.js";
import type { LatencySummary, LoadResult } from "../load/model.js";

const Params = z.record(z.string()).optional();
const Samples = z.tuple([z.number()]).rest(z.number());

const SampleStatsSchema = z.object({
  n: z.number(),
  processes: z.number(),
  median: z.number(),
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  stdDev: z.number(),
  mad: z.number(),
  cv: z.number(),
  p75: z.number(),
  p95: z.number(),
  p99: z.number(),
  medianCi: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }),
  outliers: z.object({ low: z.number(), high: z.number(), method: z.string() }),
  fitToCompare: z.boolean(),
  warnings: z.array(z.string()),
});

const Base = { name: z.string(), kind: z.enum(["function", "command"]), source: z.string(), params: Params };

const CompletedSchema: z.ZodType<CompletedBenchResult> = z.object({
  ...Base,
  state: z.literal("completed"),
  unit: z.literal("ns"),
  batchSize: z.number(),
  samplesByProcess: z.tuple([Samples]).rest(Samples),
  stats: SampleStatsSchema,
});

const ErroredSchema: z.ZodType<ErroredBenchResult> = z.object({
  ...Base,
  state: z.literal("errored"),
  error: z.object({ message: z.string(), stack: z.string().optional(), where: z.string().optional() }),
});

export const BenchRunSchema: z.ZodType<BenchRun> = z.object({
  version: z.literal(1),
  suite: z.string(),
  label: z.string().optional(),
  startedAt: z.string(),
  durationMs: z.number(),
  machine: z.object({
    id: z.string(),
    hostname: z.string(),
    cpuModel: z.string(),
    cores: z.number(),
    memoryBytes: z.number(),
    platform: z.string(),
    arch: z.string(),
    node: z.string(),
  }),
  git: z.object({ commit: z.string(), ref: z.string().optional(), dirty: z.boolean().optional(), committedAt: z.string().optional() }).optional(),
  results: z.array(z.union([CompletedSchema, ErroredSchema])),
});

export const BenchComparisonSchema: z.ZodType<BenchComparison> = z.object({
  name: z.string(),
  params: Params,
  baselineMedian: z.number(),
  candidateMedian: z.number(),
  ratio: z.number(),
  ratioCi: z.object({ low: z.number(), high: z.number(), level: z.number() }),
  pValue: z.number(),
  verdict: z.enum(["faster", "slower", "no-change"]),
  noiseBand: z.number(),
  method: z.string(),
  warnings: z.array(z.string()),
});

export const BenchComparisonsSchema = z.array(BenchComparisonSchema);

const LatencySchema: z.ZodType<LatencySummary> = z.object({
  count: z.number(),
  min: z.number(),
  mean: z.number(),
  stdev: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});

const NullableNumber = z.number().nullable();

export const LoadResultSchema: z.ZodType<LoadResult> = z.object({
  version: z.literal(1),
  target: z.string(),
  model: z.union([
    z.object({ kind: z.literal("closed"), connections: z.number() }),
    z.object({ kind: z.literal("open"), rate: z.number(), arrival: z.enum(["constant", "poisson"]), connections: z.number() }),
  ]),
  startedAt: z.string(),
  durationMs: z.number(),
  requests: z.object({ sent: z.number(), completed: z.number(), ok: z.number(), errors: z.number() }),
  throughput: z.number(),
  latency: LatencySchema,
  latencyUncorrected: LatencySchema,
  statusCodes: z.record(z.number()),
  errors: z.object({ refused: z.number(), reset: z.number(), timeout: z.number(), bad_response: z.number(), other: z.number() }),
  lateSends: z.number(),
  droppedSends: z.number(),
  bytes: z.object({ in: z.number(), out: z.number() }),
  timeline: z.array(
    z.object({ second: z.number(), completed: z.number(), errors: z.number(), p50: NullableNumber, p95: NullableNumber, p99: NullableNumber, max: NullableNumber }),
  ),
  histogram: z.string(),
  generator: z.object({ cpu: z.number(), eventLoopLagP99Ms: z.number(), saturated: z.boolean(), reason: z.string().nullable() }),
  thresholds: z.array(z.object({ expression: z.string(), metric: z.string(), limit: z.number(), actual: NullableNumber, ok: z.boolean() })),
  partial: z.object({ reason: z.string() }).nullable(),
});
