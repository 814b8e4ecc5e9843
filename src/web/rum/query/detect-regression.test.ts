import { describe, expect, it } from "vitest";
import { createRandom, drawLogNormal } from "../store/test-helpers/seeded-random.js";
import { RumAggregate } from "./aggregate-rollups.js";
import { detectP75Regression } from "./detect-regression.js";

function daysOf(perDay: number, medians: readonly number[], seed: number): Map<string, RumAggregate> {
  const random = createRandom(seed);
  const days = new Map<string, RumAggregate>();
  medians.forEach((median, d) => {
    const aggregate = new RumAggregate();
    for (let i = 0; i < perDay; i++) aggregate.addValue("INP", drawLogNormal(random, median, 0.6));
    days.set(`2025-01-${String(d + 1).padStart(2, "0")}`, aggregate);
  });
  return days;
}

const round = (v: number): number => Math.round(v);

describe("p75 regression test", () => {
  it("flags a 25 % worse last day and reports the evidence", () => {
    const verdict = detectP75Regression(daysOf(1000, [180, 180, 180, 180, 225], 1), round);
    expect(verdict).toMatchObject({ detected: true, day: "2025-01-05" });
    expect(verdict.z).toBeGreaterThan(2.326);
    expect(verdict.shareAboveBaselineP75).toBeGreaterThan(0.3);
  });

  it("does not flag a flat series in 20 differently seeded weeks", () => {
    const flagged = Array.from({ length: 20 }, (_, seed) => detectP75Regression(daysOf(1000, [180, 180, 180, 180, 180, 180, 180], 100 + seed), round).detected);
    expect(flagged.filter(Boolean)).toEqual([]);
  });

  it("does not flag a significant but small (5 %) rise", () => {
    const verdict = detectP75Regression(daysOf(50_000, [180, 180, 189], 3), round);
    expect(verdict.z).toBeGreaterThan(2.326);
    expect(verdict.detected).toBe(false);
  });

  it("does not flag a large rise on too few values, and says why", () => {
    const verdict = detectP75Regression(daysOf(40, [180, 400], 4), round);
    expect(verdict.detected).toBe(false);
    expect(verdict.notTested).toMatch(/at least 100 values/);
  });

  it("ignores an improvement", () => {
    expect(detectP75Regression(daysOf(1000, [300, 300, 200], 5), round).detected).toBe(false);
  });
});
