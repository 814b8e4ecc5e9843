import { describe, expect, it } from "vitest";
import { createRandom } from "./random.js";
import { studentTQuantile, testPaired } from "./paired-test.js";
import { testWelch } from "./significance.js";

describe("testPaired", () => {
  it("inverts the t distribution at textbook quantiles", () => {
    // t tables: 2.228 at df=10, 2.262 at df=9, 3.250 at df=9 for 99%.
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(2.228, 2);
    expect(studentTQuantile(0.95, 9)).toBeCloseTo(2.262, 2);
    expect(studentTQuantile(0.99, 9)).toBeCloseTo(3.25, 2);
  });

  it("matches a hand-computed example", () => {
    // d = 1,2,3,4,5: mean 3, sd √2.5, se √0.5, t = 3/√0.5 = 4.243 at df 4 → p ≈ 0.0132.
    const r = testPaired([1, 2, 3, 4, 5]);
    expect(r.t).toBeCloseTo(4.2426, 3);
    expect(r.df).toBe(4);
    expect(r.pValue).toBeCloseTo(0.0132, 3);
    expect(r.ci.low).toBeLessThan(3);
    expect(r.ci.high).toBeGreaterThan(3);
  });

  it("sees a 5% change under shared round-to-round disturbance that an unpaired test misses", () => {
    const random = createRandom(7);
    let pairedFound = 0;
    let welchFound = 0;
    let pairedFalse = 0;
    for (let trial = 0; trial < 200; trial++) {
      const base: number[] = [];
      const slow: number[] = [];
      const same: number[] = [];
      for (let round = 0; round < 10; round++) {
        // Each round shares a machine-level slowdown of up to ~30%, as on a busy 2-core box.
        const shared = Math.abs(random.nextNormal()) * 0.15;
        base.push(Math.log(1 + shared) + 0.01 * random.nextNormal());
        same.push(Math.log(1 + shared) + 0.01 * random.nextNormal());
        slow.push(Math.log(1.05 * (1 + shared)) + 0.01 * random.nextNormal());
      }
      if (testPaired(slow.map((v, i) => v - base[i]!)).pValue < 0.01) pairedFound++;
      if (testWelch(slow, base).pValue < 0.01) welchFound++;
      if (testPaired(same.map((v, i) => v - base[i]!)).pValue < 0.01) pairedFalse++;
    }
    expect(pairedFound).toBeGreaterThanOrEqual(190);
    expect(welchFound).toBeLessThan(100);
    expect(pairedFalse).toBeLessThanOrEqual(6);
  });
});
