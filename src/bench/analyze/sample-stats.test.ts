import { describe, expect, it } from "vitest";
import type { NonEmptyArray } from "../model.js";
import { createRandom, type Random } from "./random.js";
import { computeSampleStats } from "./sample-stats.js";

type Samples = NonEmptyArray<NonEmptyArray<number>>;

function nonEmpty(values: number[]): NonEmptyArray<number> {
  if (values.length === 0) throw new Error("test data must not be empty");
  return values as NonEmptyArray<number>;
}

function draw(n: number, f: () => number): NonEmptyArray<number> {
  return nonEmpty(Array.from({ length: n }, f));
}

/** Processes with a random per-process offset (relative sd `between`) and within-process noise (`within`). */
function simulateProcesses(random: Random, processes: number, perProcess: number, between: number, within: number, centre = 1000): Samples {
  const out = Array.from({ length: processes }, () => {
    const offset = 1 + between * random.nextNormal();
    return draw(perProcess, () => centre * offset * (1 + within * random.nextNormal()));
  });
  return out as Samples;
}

describe("computeSampleStats", () => {
  it("computes location, spread and quantiles of known data", () => {
    const s = computeSampleStats([[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]]);
    expect(s.n).toBe(10);
    expect(s.processes).toBe(1);
    expect(s.median).toBe(5.5);
    expect(s.mean).toBe(5.5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
    expect(s.stdDev).toBeCloseTo(Math.sqrt(82.5 / 9), 12); // Σ(x−5.5)² = 82.5
    expect(s.mad).toBeCloseTo(1.4826 * 2.5, 12); // |x − 5.5| has median 2.5
    expect(s.cv).toBeCloseTo(Math.sqrt(82.5 / 9) / 5.5, 12);
    expect(s.p75).toBeCloseTo(7.75, 12);
    expect(s.p95).toBeCloseTo(9.55, 12);
    expect(s.p99).toBeCloseTo(9.91, 12);
    expect(s.medianCi.level).toBe(0.95);
    expect(s.medianCi.low).toBeLessThanOrEqual(5.5);
    expect(s.medianCi.high).toBeGreaterThanOrEqual(5.5);
    expect(s.outliers).toMatchObject({ low: 0, high: 0 });
  });

  it("flags (and keeps) outliers by the 3.5·MAD rule", () => {
    // 99.0 … 101.0 evenly: MAD = 1.4826·0.5, so the fences sit at 100 ± 2.6.
    const samples = nonEmpty(Array.from({ length: 201 }, (_, i) => 99 + i / 100));
    samples.push(150, 102.7, 97.2, 102.5);
    const s = computeSampleStats([samples]);
    expect(s.outliers).toMatchObject({ low: 1, high: 2 });
    expect(s.outliers.method).toContain("3.5·MAD");
    expect(s.n).toBe(205);
    expect(s.max).toBe(150);
  });

  it("falls back to the mean absolute deviation when the MAD is zero (quantized timings)", () => {
    const s = computeSampleStats([[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 90]]);
    expect(s.mad).toBe(0);
    expect(s.outliers.high).toBe(1);
    expect(s.outliers.method).toContain("mean absolute deviation");
    const flat = computeSampleStats([[7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]]);
    expect(flat.outliers).toMatchObject({ low: 0, high: 0 });
    expect(flat.fitToCompare).toBe(true);
  });

  it("passes steady data and warns, with reasons, about each kind of unfit data", () => {
    const random = createRandom(4);
    const steady = computeSampleStats(simulateProcesses(random, 5, 40, 0.005, 0.02));
    expect(steady.warnings).toEqual([]);
    expect(steady.fitToCompare).toBe(true);

    const few = computeSampleStats([[100, 101, 99, 100, 102]]);
    expect(few.fitToCompare).toBe(false);
    expect(few.warnings.join("\n")).toMatch(/only 5 samples/);

    const noisy = computeSampleStats([draw(400, () => 100 * (1 + 0.3 * Math.abs(random.nextNormal())))]);
    expect(noisy.warnings.join("\n")).toMatch(/coefficient of variation/);

    const wideCi = computeSampleStats([draw(12, () => 100 * Math.exp(0.5 * random.nextNormal()))]);
    expect(wideCi.warnings.join("\n")).toMatch(/95% CI of the median is ±/);

    const spiky = draw(100, () => 100 + random.nextNormal());
    for (let i = 0; i < 15; i++) spiky.push(400);
    expect(computeSampleStats([spiky]).warnings.join("\n")).toMatch(/15 of 115 samples .* outliers/);

    const split = computeSampleStats([draw(50, () => 100 + random.nextNormal()), draw(50, () => 125 + random.nextNormal())]);
    expect(split.fitToCompare).toBe(false);
    expect(split.warnings.join("\n")).toMatch(/process medians differ by/);
  });

  it("is reproducible for a seed and names its bootstrap method", () => {
    const random = createRandom(9);
    const samples = simulateProcesses(random, 4, 30, 0.01, 0.03);
    const a = computeSampleStats(samples, { seed: 11 });
    const b = computeSampleStats(samples, { seed: 11 });
    const c = computeSampleStats(samples, { seed: 12 });
    expect(a.medianCi).toEqual(b.medianCi);
    expect(a.medianCi).not.toEqual(c.medianCi);
    expect(a.medianCi.method).toMatch(/hierarchical/);
    expect(computeSampleStats([samples[0]]).medianCi.method).not.toMatch(/hierarchical/);
  });

  it("95% CI of the median covers the true median in at least 90 of 100 seeded trials", () => {
    // Exponential with rate 1: true median ln 2. Odd and even n exercise both order-statistic paths.
    for (const n of [61, 60]) {
      let covered = 0;
      for (let trial = 0; trial < 100; trial++) {
        const random = createRandom(1000 + trial);
        const s = computeSampleStats([draw(n, () => -Math.log(1 - random.next()))], { seed: trial, resamples: 500 });
        if (s.medianCi.low <= Math.LN2 && Math.LN2 <= s.medianCi.high) covered++;
      }
      expect(covered).toBeGreaterThanOrEqual(90);
      expect(covered).toBeLessThanOrEqual(100);
    }
  });

  it("with process effects, only the hierarchical CI keeps its coverage", () => {
    // 10 processes: offsets ~ N(0, 1%), noise ~ N(0, 3%), symmetric around 1000, so the population median is 1000.
    let hierarchical = 0;
    let pooledAsOne = 0;
    for (let trial = 0; trial < 100; trial++) {
      const samples = simulateProcesses(createRandom(5000 + trial), 10, 30, 0.01, 0.03);
      const h = computeSampleStats(samples, { seed: trial, resamples: 500 }).medianCi;
      if (h.low <= 1000 && 1000 <= h.high) hierarchical++;
      const flat = computeSampleStats([nonEmpty(samples.flat())], { seed: trial, resamples: 500 }).medianCi;
      if (flat.low <= 1000 && 1000 <= flat.high) pooledAsOne++;
    }
    expect(hierarchical).toBeGreaterThanOrEqual(90);
    // Treating 300 samples as independent ignores the process effect: the interval is far too narrow.
    expect(pooledAsOne).toBeLessThan(80);
  });

  it("rejects invalid samples and options, saying which sample", () => {
    expect(() => computeSampleStats([[1, 2], [3, Number.NaN]])).toThrow(/sample 1 of process 1 is NaN/);
    expect(() => computeSampleStats([[1, -2]])).toThrow(/non-negative/);
    expect(() => computeSampleStats([[1, 2]], { resamples: 10 })).toThrow(/resamples/);
  });
});
