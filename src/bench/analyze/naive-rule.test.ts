import { describe, expect, it } from "vitest";
import { quantileSorted } from "../../core/stats.js";
import { applyNaiveRule } from "./naive-rule.js";
import { createRandom } from "./random.js";

function medianOf(values: number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

describe("applyNaiveRule", () => {
  it("calls more than 10% slower a regression and more than 10% faster an improvement", () => {
    expect(applyNaiveRule(100, 111)).toBe("slower");
    expect(applyNaiveRule(100, 110)).toBe("no-change");
    expect(applyNaiveRule(100, 95)).toBe("no-change");
    expect(applyNaiveRule(100, 89)).toBe("faster");
    expect(applyNaiveRule(100, 104, 0.03)).toBe("slower");
  });

  it("rejects times it cannot compare", () => {
    expect(() => applyNaiveRule(0, 5)).toThrow(/positive baseline/);
    expect(() => applyNaiveRule(5, Number.NaN)).toThrow(/non-negative candidate/);
    expect(() => applyNaiveRule(5, 5, 1.5)).toThrow(/threshold/);
  });

  it("on noisy short runs it both misses a real 8% slowdown and flags unchanged code", () => {
    // One process of 5 samples with 10% noise, the kind of quick run the naive rule invites.
    const random = createRandom(31);
    const quickRun = (scale: number): number[] => Array.from({ length: 5 }, () => 1000 * scale * (1 + 0.1 * random.nextNormal()));
    let falseAlarms = 0;
    let detected = 0;
    const trials = 500;
    for (let t = 0; t < trials; t++) {
      const base = medianOf(quickRun(1));
      if (applyNaiveRule(base, medianOf(quickRun(1))) !== "no-change") falseAlarms++;
      if (applyNaiveRule(base, medianOf(quickRun(1.08))) === "slower") detected++;
    }
    // The median of 5 has sd ≈ 5.4% here, so a difference of medians ≈ 7.7%: |diff| > 10% often.
    expect(falseAlarms / trials).toBeGreaterThan(0.1);
    expect(detected / trials).toBeLessThan(0.6);
  });
});
