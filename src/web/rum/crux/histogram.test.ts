import { describe, expect, it } from "vitest";
import { estimateP75FromBins, mergeBins, sharesFromBins } from "./histogram.js";

describe("CrUX histogram helpers", () => {
  it("splits a bin that straddles a threshold in proportion to its width", () => {
    // LCP good ≤ 2500: half of the 2000–3000 bin (0.4) is good.
    const shares = sharesFromBins("LCP", [
      { start: 0, end: 2000, density: 0.2 },
      { start: 2000, end: 3000, density: 0.4 },
      { start: 3000, end: 5000, density: 0.4 },
    ])!;
    expect(shares.good).toBeCloseTo(0.4, 12);
    // Up to 4000: 0.2 + 0.4 + half of 0.4.
    expect(shares.needsImprovement).toBeCloseTo(0.4, 12);
    expect(shares.poor).toBeCloseTo(0.2, 12);
  });

  it("uses FID's own thresholds (100 / 300 ms)", () => {
    const shares = sharesFromBins("FID", [
      { start: 0, end: 100, density: 0.9 },
      { start: 100, end: 300, density: 0.08 },
      { start: 300, density: 0.02 },
    ])!;
    expect(shares.good).toBeCloseTo(0.9, 12);
    expect(shares.poor).toBeCloseTo(0.02, 12);
  });

  it("returns the start of an open-ended bin as the p75 lower bound, and null without data", () => {
    expect(estimateP75FromBins([{ start: 0, end: 200, density: 0.5 }, { start: 200, density: 0.5 }])).toBe(200);
    expect(estimateP75FromBins([{ start: 0, end: 200, density: 0 }])).toBeNull();
    expect(sharesFromBins("INP", [])).toBeNull();
  });

  it("adds densities of equal bins and keeps the rest", () => {
    const merged = mergeBins([
      [{ start: 0, end: 100, density: 0.1 }, { start: 100, end: 200, density: 0.2 }],
      [{ start: 0, end: 100, density: 0.05 }, { start: 200, density: 0.01 }],
    ]);
    expect(merged).toEqual([
      { start: 0, end: 100, density: expect.closeTo(0.15, 12) },
      { start: 100, end: 200, density: 0.2 },
      { start: 200, density: 0.01 },
    ]);
  });
});
