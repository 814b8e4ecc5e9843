import { describe, expect, it } from "vitest";
import { normalUpperTail } from "./distributions.js";
import { createRandom } from "./random.js";
import { testMannWhitney, testWelch } from "./significance.js";

describe("testMannWhitney", () => {
  it("gives the exact p-value for complete separation: 2·1/C(6,3) = 0.1", () => {
    const r = testMannWhitney([1, 2, 3], [4, 5, 6]);
    expect(r.u).toBe(0);
    expect(r.method).toBe("exact");
    expect(r.pValue).toBeCloseTo(0.1, 12);
    // Swapping the sides mirrors U and keeps the two-sided p-value.
    const swapped = testMannWhitney([4, 5, 6], [1, 2, 3]);
    expect(swapped.u).toBe(9);
    expect(swapped.pValue).toBeCloseTo(0.1, 12);
  });

  it("counts the exact null distribution: one overlap in 4 vs 4", () => {
    // a = {1,2,3,5}, b = {4,6,7,8}: U = 1. Of C(8,4) = 70 equally likely splits, U ≤ 1 in
    // two (U = 0 and U = 1), so the two-sided p is 2·2/70.
    const r = testMannWhitney([1, 2, 3, 5], [4, 6, 7, 8]);
    expect(r.u).toBe(1);
    expect(r.pValue).toBeCloseTo(4 / 70, 12);
  });

  it("uses the tie-corrected normal approximation with continuity correction when values tie", () => {
    // By hand: ranks of a = 1, 3, 3, 5.5 → R = 12.5, U = 2.5, E[U] = 8; ties of 3 and 2 give
    // Σ(t³−t) = 30, Var U = 16/12·(9 − 30/56); z = (5.5 − 0.5)/√Var = 1.48835, p = 0.136658.
    const r = testMannWhitney([1, 2, 2, 3], [2, 3, 4, 5]);
    expect(r.method).toBe("normal");
    expect(r.u).toBe(2.5);
    expect(r.z).toBeCloseTo(-1.4883513944689681, 10);
    expect(r.pValue).toBeCloseTo(0.13665824773814753, 10);
  });

  it("exact p-values approach the normal approximation for moderate untied samples", () => {
    const random = createRandom(5);
    for (const shift of [0.3, 0.8]) {
      const a = Array.from({ length: 30 }, () => random.nextNormal());
      const b = Array.from({ length: 30 }, () => random.nextNormal() + shift);
      const exact = testMannWhitney(a, b);
      expect(exact.method).toBe("exact");
      // Normal approximation by its textbook formula, no ties: Var U = n1·n2·(n+1)/12.
      const z = (Math.abs(exact.u - 450) - 0.5) / Math.sqrt((900 * 61) / 12);
      const approx = 2 * normalUpperTail(z);
      expect(Math.abs(Math.log(exact.pValue / approx))).toBeLessThan(0.1);
    }
  });

  it("returns p = 1 when every value is equal, and handles large samples", () => {
    expect(testMannWhitney([5, 5, 5], [5, 5]).pValue).toBe(1);
    const random = createRandom(8);
    const a = Array.from({ length: 20_000 }, () => random.nextNormal());
    const b = Array.from({ length: 20_000 }, () => random.nextNormal());
    const r = testMannWhitney(a, b);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThanOrEqual(1);
  });

  it("rejects an empty side", () => {
    expect(() => testMannWhitney([], [1])).toThrow(/both sides/);
  });
});

describe("testWelch", () => {
  it("matches a hand-computed example", () => {
    // a: mean 3, var 2.5; b: mean 6, var 10. t = −3/√2.5, df = 2.5²/(0.5²/4 + 2²/4) = 5.88235;
    // p by numerical integration of the t density = 0.1075312.
    const r = testWelch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.meanDifference).toBe(-3);
    expect(r.t).toBeCloseTo(-3 / Math.sqrt(2.5), 12);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 10);
    expect(r.pValue).toBeCloseTo(0.10753119493072048, 7);
  });

  it("holds its level on normal data: about 1% of null tests below 0.01", () => {
    const random = createRandom(21);
    let rejections = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 6 }, () => random.nextNormal());
      const b = Array.from({ length: 9 }, () => 3 * random.nextNormal()); // unequal variances
      if (testWelch(a, b).pValue < 0.01) rejections++;
    }
    // Binomial(2000, 0.01): mean 20, sd 4.5.
    expect(rejections).toBeGreaterThan(5);
    expect(rejections).toBeLessThan(40);
  });

  it("treats zero spread as certain, and needs two values per side", () => {
    expect(testWelch([2, 2], [2, 2]).pValue).toBe(1);
    expect(testWelch([2, 2], [3, 3]).pValue).toBe(0);
    expect(() => testWelch([1], [1, 2])).toThrow(/at least 2/);
  });
});
