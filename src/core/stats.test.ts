import { describe, expect, it } from "vitest";
import { median, quantileSorted, wilsonInterval } from "./stats.js";

describe("stats", () => {
  it("Wilson interval contains the observed share and narrows with more samples", () => {
    const small = wilsonInterval(5, 10);
    const big = wilsonInterval(500, 1000);
    expect(small.low).toBeLessThan(0.5);
    expect(small.high).toBeGreaterThan(0.5);
    expect(big.high - big.low).toBeLessThan(small.high - small.low);
    // Known value: 95% Wilson interval for 50/100 is about [0.404, 0.596].
    const known = wilsonInterval(50, 100);
    expect(known.low).toBeCloseTo(0.404, 2);
    expect(known.high).toBeCloseTo(0.596, 2);
  });

  it("quantiles interpolate like numpy's default", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(median([3, 1, 2])).toBe(2);
  });
});
