import { beforeAll, describe, expect, it } from "vitest";
import { BENCH_MODEL_VERSION, type BenchResult, type BenchRun, type CompletedBenchResult, type NonEmptyArray } from "../model.js";
import { compareResults, compareRuns } from "./compare.js";
import { createRandom, type Random } from "./random.js";
import { computeSampleStats } from "./sample-stats.js";
import { testMannWhitney } from "./significance.js";

type Samples = NonEmptyArray<NonEmptyArray<number>>;

/** Fresh processes: each gets an offset ~ N(0, between), each sample noise ~ N(0, within), both relative. */
function simulate(random: Random, processes: number, perProcess: number, scale: number, between = 0.01, within = 0.03): Samples {
  return Array.from({ length: processes }, () => {
    const offset = 1 + between * random.nextNormal();
    return Array.from({ length: perProcess }, () => 1000 * scale * offset * (1 + within * random.nextNormal()));
  }) as Samples;
}

function completed(samplesByProcess: Samples, name = "parse", params?: Record<string, string>): CompletedBenchResult {
  return {
    name,
    kind: "function",
    source: "bench/parse.bench.ts",
    ...(params ? { params } : {}),
    state: "completed",
    unit: "ns",
    batchSize: 1,
    samplesByProcess,
    stats: computeSampleStats(samplesByProcess, { resamples: 200 }),
  };
}

function run(results: BenchResult[], machineId = "m1"): BenchRun {
  return {
    version: BENCH_MODEL_VERSION,
    suite: "demo",
    startedAt: "2024-01-01T00:00:00Z",
    durationMs: 1,
    machine: { id: machineId, hostname: "h", cpuModel: `cpu-${machineId}`, cores: 2, memoryBytes: 1, platform: "linux", arch: "x64", node: "v20" },
    results,
  };
}

const FAST = { resamples: 200 };

describe("compareResults on simulated runs (10 processes × 30 samples, process sd 1%, noise 3%)", () => {
  const trials = 200;
  const outcomes = { aaDefault: 0, aaNoBand: 0, aaPooledMw: 0, slowdownDetected: 0, ratioCovered: 0 };
  beforeAll(() => {
    for (let trial = 0; trial < trials; trial++) {
      const random = createRandom(10_000 + trial);
      const a = simulate(random, 10, 30, 1);
      const b = simulate(random, 10, 30, 1);
      const slower = simulate(random, 10, 30, 1.05);
      const base = completed(a);
      const same = completed(b);
      if (compareResults(base, same, FAST).verdict !== "no-change") outcomes.aaDefault++;
      if (compareResults(base, same, { ...FAST, noiseBand: 0 }).verdict !== "no-change") outcomes.aaNoBand++;
      if (testMannWhitney(a.flat(), b.flat()).pValue < 0.01) outcomes.aaPooledMw++;
      const c = compareResults(base, completed(slower), FAST);
      if (c.verdict === "slower") outcomes.slowdownDetected++;
      if (c.ratioCi.low <= 1.05 && 1.05 <= c.ratioCi.high) outcomes.ratioCovered++;
    }
  });

  it("A/A: false slower/faster verdicts stay at or below 5% (with and without the noise band)", () => {
    expect(outcomes.aaDefault / trials).toBeLessThanOrEqual(0.05);
    // Without the band the verdict is the test alone: its false-alarm rate should be near α = 1%.
    expect(outcomes.aaNoBand / trials).toBeLessThanOrEqual(0.05);
  });

  it("a real 5% slowdown is detected in at least 95% of trials and the ratio CI covers 1.05", () => {
    expect(outcomes.slowdownDetected / trials).toBeGreaterThanOrEqual(0.95);
    expect(outcomes.ratioCovered / trials).toBeGreaterThanOrEqual(0.9);
  });

  it("why per-process medians: Mann–Whitney on pooled samples false-alarms far more than α on the same A/A data", () => {
    expect(outcomes.aaPooledMw / trials).toBeGreaterThan(0.1);
    expect(outcomes.aaPooledMw).toBeGreaterThan(4 * Math.max(1, outcomes.aaNoBand));
  });
});

describe("compareResults", () => {
  it("reports the ratio of medians, the method in words, and a verdict", () => {
    const random = createRandom(1);
    const c = compareResults(completed(simulate(random, 10, 30, 1)), completed(simulate(random, 10, 30, 0.9)));
    expect(c.verdict).toBe("faster");
    expect(c.ratio).toBeCloseTo(c.candidateMedian / c.baselineMedian, 12);
    expect(c.ratio).toBeGreaterThan(0.85);
    expect(c.ratio).toBeLessThan(0.95);
    expect(c.ratioCi.low).toBeLessThan(c.ratio);
    expect(c.ratioCi.high).toBeGreaterThan(c.ratio);
    expect(c.pValue).toBeLessThan(0.01);
    expect(c.noiseBand).toBe(0.02);
    expect(c.method).toBe(
      "Welch t-test on 10 vs 10 per-process medians (log scale), α=0.01, noise band ±2%; ratio CI: hierarchical bootstrap of medians, 2000 resamples",
    );
    expect(c.warnings).toEqual([]);
  });

  it("calls a significant change inside the noise band no change", () => {
    const random = createRandom(2);
    // 1.5% slower with tiny noise: clearly significant, but inside ±2%.
    const c = compareResults(completed(simulate(random, 10, 30, 1, 0.001, 0.002)), completed(simulate(random, 10, 30, 1.015, 0.001, 0.002)), FAST);
    expect(c.pValue).toBeLessThan(1e-6);
    expect(c.verdict).toBe("no-change");
    expect(compareResults(completed(simulate(random, 10, 30, 1, 0.001, 0.002)), completed(simulate(random, 10, 30, 1.015, 0.001, 0.002)), { ...FAST, noiseBand: 0.01 }).verdict).toBe("slower");
    expect(compareResults(completed(simulate(random, 3, 10, 1)), completed(simulate(random, 3, 10, 1)), { ...FAST, noiseBand: 0.025 }).method).toContain("noise band ±2.5%");
  });

  it("falls back to pooled Mann–Whitney with a warning when a side has fewer than 3 processes", () => {
    const random = createRandom(3);
    const c = compareResults(completed(simulate(random, 1, 200, 1)), completed(simulate(random, 2, 100, 1.1)), FAST);
    expect(c.method).toMatch(/^Mann–Whitney U on 200 vs 200 pooled samples/);
    expect(c.verdict).toBe("slower");
    expect(c.warnings.join("\n")).toMatch(/baseline ran 1 process and candidate ran 2 processes .*process-to-process variation .* not accounted for/);
  });

  it("carries the warnings of results unfit to compare, labelled by side", () => {
    const c = compareResults(completed([[100, 101, 99]]), completed(simulate(createRandom(4), 5, 20, 1)), FAST);
    expect(c.warnings.some((w) => w.startsWith("baseline: only 3 samples"))).toBe(true);
    expect(c.warnings.some((w) => w.startsWith("candidate:"))).toBe(false);
  });

  it("rejects bad options", () => {
    const r = completed([[1, 2, 3]]);
    expect(() => compareResults(r, r, { noiseBand: -0.1 })).toThrow(/noise band/);
    expect(() => compareResults(r, r, { alpha: 1 })).toThrow(/alpha/);
  });
});

describe("compareRuns", () => {
  it("matches by name and parameters and lists what could not be compared, with why", () => {
    const random = createRandom(5);
    const errored = (name: string, message: string): BenchResult => ({ name, kind: "function", source: "b.ts", state: "errored", error: { message } });
    const baseline = run([
      completed(simulate(random, 3, 20, 1), "sort", { n: "10" }),
      completed(simulate(random, 3, 20, 1), "sort", { n: "1000" }),
      completed(simulate(random, 3, 20, 1), "gone"),
      completed(simulate(random, 3, 20, 1), "breaks"),
      errored("was-broken", "boom"),
    ]);
    const candidate = run([
      completed(simulate(random, 3, 20, 1.3), "sort", { n: "1000" }),
      completed(simulate(random, 3, 20, 1), "sort", { n: "10" }),
      errored("breaks", "TypeError: x is undefined"),
      completed(simulate(random, 3, 20, 1), "was-broken"),
      completed(simulate(random, 3, 20, 1), "new"),
    ]);
    const { comparisons, missing } = compareRuns(baseline, candidate, FAST);
    expect(comparisons.map((c) => [c.name, c.params?.n, c.verdict])).toEqual([
      ["sort", "10", "no-change"],
      ["sort", "1000", "slower"],
    ]);
    expect(missing).toEqual([
      { name: "gone", reason: "not in the candidate run (removed, renamed or filtered out)" },
      { name: "breaks", reason: "errored in the candidate: TypeError: x is undefined" },
      { name: "was-broken", reason: "errored in the baseline: boom" },
      { name: "new", reason: "not in the baseline run (new benchmark)" },
    ]);
  });

  it("warns when the runs come from different machines", () => {
    const random = createRandom(6);
    const { comparisons } = compareRuns(run([completed(simulate(random, 3, 20, 1))], "m1"), run([completed(simulate(random, 3, 20, 1))], "m2"), FAST);
    expect(comparisons[0]!.warnings.join("\n")).toMatch(/different machines \(m1, cpu-m1 vs m2, cpu-m2\)/);
  });
});
