import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { detectChangePoints, type ChangePointInput } from "./change-points.js";
import { studentTTwoSidedP as studentTwoSidedP } from "./distributions.js";
import { testWelch } from "./significance.js";

// Test-side seeded Gaussian noise, independent of the code under test.
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A history of `length` commits whose level is level(i), with `noise` relative Gaussian noise. */
function history(length: number, level: (i: number) => number, seed: number, noise = 0.02): ChangePointInput[] {
  const g = gaussian(seed);
  return Array.from({ length }, (_, i) => ({ key: `commit${i}`, value: level(i) * (1 + noise * g()), at: `2024-01-${String((i % 28) + 1).padStart(2, "0")}` }));
}

describe("detectChangePoints", () => {
  it("finds no change in flat noisy histories (30 seeded series, at most 2 false detections)", () => {
    let falseDetections = 0;
    for (let seed = 1; seed <= 30; seed++) falseDetections += detectChangePoints(history(80, () => 100, seed * 101)).length;
    expect(falseDetections).toBeLessThanOrEqual(2);
  });

  it("finds a 10% step in 2% noise at the right commit", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const series = history(100, (i) => (i < 40 ? 100 : 110), seed);
      const found = detectChangePoints(series);
      expect(found, `seed ${seed}`).toHaveLength(1);
      const cp = found[0]!;
      expect(Math.abs(cp.index - 40)).toBeLessThanOrEqual(1);
      expect(cp.key).toBe(series[cp.index]!.key);
      expect(cp.previousKey).toBe(series[cp.index - 1]!.key);
      expect(cp.at).toBe(series[cp.index]!.at);
      expect(cp.relativeChange).toBeGreaterThan(0.07);
      expect(cp.relativeChange).toBeLessThan(0.13);
      expect(cp.pValue).toBeLessThanOrEqual(0.01);
      expect(cp.welchPValue).toBeLessThan(1e-6);
      expect(cp.before).toMatchObject({ from: 0, to: cp.index, count: cp.index });
      expect(cp.after).toMatchObject({ from: cp.index, to: 100 });
      expect(cp.before.median).toBeGreaterThan(97);
      expect(cp.before.median).toBeLessThan(103);
      expect(cp.after.mean).toBeGreaterThan(107);
    }
  });

  it("finds two steps, each against its own neighbouring segments", () => {
    const series = history(120, (i) => (i < 40 ? 100 : i < 80 ? 110 : 95), 7);
    const found = detectChangePoints(series);
    expect(found.map((c) => c.index)).toHaveLength(2);
    const [up, down] = found;
    expect(Math.abs(up!.index - 40)).toBeLessThanOrEqual(1);
    expect(Math.abs(down!.index - 80)).toBeLessThanOrEqual(1);
    expect(up!.after.to).toBe(down!.index);
    expect(down!.before.from).toBe(up!.index);
    expect(up!.relativeChange).toBeGreaterThan(0);
    expect(down!.relativeChange).toBeLessThan(-0.1);
  });

  it("does not call a single outlier spike a change point", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const series = history(100, () => 100, seed * 31);
      series[30 + seed * 3]!.value = 200;
      expect(detectChangePoints(series), `seed ${seed}`).toEqual([]);
    }
  });

  it("is deterministic for a seed", () => {
    const series = history(90, (i) => (i < 50 ? 100 : 104), 9);
    expect(detectChangePoints(series, { seed: 42 })).toEqual(detectChangePoints(series, { seed: 42 }));
  });

  it("returns nothing for a series too short to split", () => {
    expect(detectChangePoints(history(9, (i) => (i < 5 ? 1 : 100), 1))).toEqual([]);
  });

  it("rejects bad input with USAGE errors that carry a hint", () => {
    const ok = history(20, () => 1, 1);
    const cases: [ChangePointInput[], object][] = [
      [[...ok, { key: "x", value: Number.NaN }], {}],
      [ok, { alpha: 0 }],
      [ok, { alpha: 0.001, permutations: 99 }],
      [ok, { minSegment: 1 }],
      [ok, { permutations: 3 }],
    ];
    for (const [series, options] of cases) {
      let error: unknown;
      try {
        detectChangePoints(series, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PerfError);
      expect((error as PerfError).code).toBe("USAGE");
      expect((error as PerfError).hint).toBeTruthy();
    }
  });
});

describe("the Welch test behind the second opinion", () => {
  it("matches the Student t table", () => {
    // Two-sided critical values from the standard t table.
    expect(studentTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(4.032, 5)).toBeCloseTo(0.01, 3);
    expect(studentTwoSidedP(12.706, 1)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(1.96, 100_000)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(0, 7)).toBeCloseTo(1, 10);
  });

  it("computes t and the Welch–Satterthwaite df", () => {
    // By hand: means 3 and 6, variances 2.5 and 10, se² = 2.5, t = 3/√2.5, df = 6.25/1.0625.
    const r = testWelch([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    expect(r.t).toBeCloseTo(3 / Math.sqrt(2.5), 10);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 10);
    expect(r.pValue).toBeGreaterThan(0.1);
    expect(r.pValue).toBeLessThan(0.11);
  });
});
