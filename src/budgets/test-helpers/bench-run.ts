/**
 * Builds BenchRuns and BenchComparisons for budget tests: give each benchmark's median (ns)
 * and the rest gets consistent values around it.
 */
import type { BenchComparison, BenchResult, BenchRun, CompletedBenchResult } from "../../bench/model.js";

export interface BenchInput {
  name: string;
  /** Median ns per operation. */
  median: number;
  mean?: number;
  p95?: number;
  cv?: number;
  params?: Record<string, string>;
}

export function buildCompleted(input: BenchInput): CompletedBenchResult {
  const { median } = input;
  const mean = input.mean ?? median * 1.02;
  const cv = input.cv ?? 0.03;
  return {
    name: input.name,
    kind: "function",
    source: "bench/example.bench.ts",
    ...(input.params ? { params: input.params } : {}),
    state: "completed",
    unit: "ns",
    batchSize: 1,
    samplesByProcess: [[median * 0.98, median, median * 1.03]],
    stats: {
      n: 3,
      processes: 1,
      median,
      mean,
      min: median * 0.98,
      max: median * 1.03,
      stdDev: mean * cv,
      mad: median * 0.01,
      cv,
      p75: median * 1.01,
      p95: input.p95 ?? median * 1.1,
      p99: median * 1.2,
      medianCi: { low: median * 0.99, high: median * 1.01, level: 0.95, method: "bootstrap" },
      outliers: { low: 0, high: 0, method: "tukey" },
      fitToCompare: true,
      warnings: [],
    },
  };
}

export function buildBenchRun(results: Array<BenchInput | BenchResult>): BenchRun {
  return {
    version: 1,
    suite: "example",
    label: "HEAD",
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 1234,
    machine: { id: "m1", hostname: "host", cpuModel: "cpu", cores: 2, memoryBytes: 4e9, platform: "linux", arch: "x64", node: "v20.20.0" },
    results: results.map((r) => ("state" in r ? r : buildCompleted(r))),
  };
}

export function buildComparison(name: string, ratio: number, ci: [number, number] = [ratio - 0.01, ratio + 0.01]): BenchComparison {
  return {
    name,
    baselineMedian: 1_000_000,
    candidateMedian: 1_000_000 * ratio,
    ratio,
    ratioCi: { low: ci[0], high: ci[1], level: 0.95 },
    pValue: 0.001,
    verdict: ratio > 1.02 ? "slower" : ratio < 0.98 ? "faster" : "no-change",
    noiseBand: 0.02,
    method: "Mann-Whitney U on medians",
    warnings: [],
  };
}
