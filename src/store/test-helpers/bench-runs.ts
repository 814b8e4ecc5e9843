/**
 * Hand-built bench runs for the store tests. Stats are plain numbers chosen here (the store
 * stores them, it never computes them), so every expected value is visible in the test.
 */
import type { BenchRun, CompletedBenchResult, ErroredBenchResult, MachineInfo, NonEmptyArray } from "../../bench/model.js";

export function makeMachine(id: string, overrides: Partial<MachineInfo> = {}): MachineInfo {
  return {
    id,
    hostname: `host-${id}`,
    cpuModel: "AMD EPYC 7763 64-Core Processor",
    cores: 2,
    memoryBytes: 8_345_501_696,
    platform: "linux",
    arch: "x64",
    node: "v20.20.2",
    ...overrides,
  };
}

export function makeCompletedResult(name: string, median: number, options: { params?: Record<string, string>; samples?: NonEmptyArray<NonEmptyArray<number>> } = {}): CompletedBenchResult {
  const samples = options.samples ?? [[median * 0.98, median, median * 1.03], [median * 1.01, median * 0.99, median]];
  return {
    name,
    kind: "function",
    source: "bench/parse.bench.ts",
    ...(options.params ? { params: options.params } : {}),
    state: "completed",
    unit: "ns",
    batchSize: 64,
    samplesByProcess: samples,
    stats: {
      n: samples.flat().length,
      processes: samples.length,
      median,
      mean: median * 1.004,
      min: median * 0.98,
      max: median * 1.03,
      stdDev: median * 0.017,
      mad: median * 0.012,
      cv: 0.017,
      p75: median * 1.01,
      p95: median * 1.028,
      p99: median * 1.03,
      medianCi: { low: median * 0.99, high: median * 1.01, level: 0.95, method: "bootstrap percentile, 2000 resamples" },
      outliers: { low: 0, high: 1, method: "Tukey fences 1.5 IQR" },
      fitToCompare: true,
      warnings: [],
    },
  };
}

export function makeErroredResult(name: string, message: string): ErroredBenchResult {
  return {
    name,
    kind: "command",
    source: "node dist/cli.js --version",
    state: "errored",
    error: { message, stack: `Error: ${message}\n    at run (bench/cli.bench.ts:12:5)`, where: "bench/cli.bench.ts:12" },
  };
}

export interface RunSpec {
  suite?: string;
  machine?: MachineInfo;
  commit?: string;
  committedAt?: string;
  startedAt: string;
  label?: string;
  results?: BenchRun["results"];
}

export function makeRun(spec: RunSpec): BenchRun {
  return {
    version: 1,
    suite: spec.suite ?? "demo-app",
    ...(spec.label !== undefined ? { label: spec.label } : {}),
    startedAt: spec.startedAt,
    durationMs: 4321.5,
    machine: spec.machine ?? makeMachine("m1a2b3c4"),
    ...(spec.commit !== undefined ? { git: { commit: spec.commit, ref: "main", dirty: false, ...(spec.committedAt !== undefined ? { committedAt: spec.committedAt } : {}) } } : {}),
    results: spec.results ?? [makeCompletedResult("parse", 1000)],
  };
}
