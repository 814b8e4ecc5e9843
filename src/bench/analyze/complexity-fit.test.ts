import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { COMPLEXITY_MODELS, fitComplexity, type ComplexityModel } from "./complexity-fit.js";

// Test-side seeded noise, independent of the code under test.
function noiseSource(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const WIDE = [100, 300, 1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];
const CASES: { model: ComplexityModel; a: number; b: number; f: (n: number) => number; sizes: number[] }[] = [
  { model: "O(1)", a: 120, b: 0, f: () => 0, sizes: WIDE },
  { model: "O(log n)", a: 20, b: 5, f: (n) => Math.log2(n), sizes: WIDE },
  { model: "O(n)", a: 50, b: 2, f: (n) => n, sizes: WIDE },
  { model: "O(n log n)", a: 30, b: 1.5, f: (n) => n * Math.log2(n), sizes: WIDE },
  { model: "O(n²)", a: 100, b: 0.7, f: (n) => n * n, sizes: [10, 20, 50, 100, 200, 500, 1000, 2000] },
  { model: "O(n³)", a: 10, b: 0.3, f: (n) => n ** 3, sizes: [10, 20, 50, 100, 200, 500, 1000] },
  { model: "O(2ⁿ)", a: 5, b: 3, f: (n) => 2 ** n, sizes: [8, 10, 12, 14, 16, 18, 20, 22] },
];

describe("fitComplexity on exact data", () => {
  for (const c of CASES) {
    it(`recognises ${c.model} and recovers its coefficients`, () => {
      const fit = fitComplexity(c.sizes.map((n) => ({ n, ns: c.a + c.b * c.f(n) })));
      expect(fit.best.model).toBe(c.model);
      expect(fit.confidence).toBe("high");
      expect(fit.best.r2).toBeGreaterThan(0.999999);
      expect(fit.best.nrmse).toBeLessThan(1e-4);
      expect(fit.best.a).toBeCloseTo(c.a, 3);
      if (c.b > 0) expect(fit.best.b / c.b).toBeCloseTo(1, 4);
      expect(fit.fits.map((f) => f.model).sort()).toEqual([...COMPLEXITY_MODELS].sort());
      for (let i = 1; i < fit.fits.length; i++) expect(fit.fits[i]!.aicc).toBeGreaterThanOrEqual(fit.fits[i - 1]!.aicc);
    });
  }
});

describe("fitComplexity on noisy data", () => {
  for (const c of CASES) {
    it(`recognises ${c.model} under 5% multiplicative noise (10 seeds)`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const noise = noiseSource(seed * 7919);
        const fit = fitComplexity(c.sizes.map((n) => ({ n, ns: (c.a + c.b * c.f(n)) * Math.exp(0.05 * noise()) })));
        expect(fit.best.model, `seed ${seed}`).toBe(c.model);
      }
    });
  }

  it("prefers the simpler model when a steeper one fits as well: flat data is O(1), not O(log n)", () => {
    const noise = noiseSource(3);
    const fit = fitComplexity(WIDE.map((n) => ({ n, ns: 40 * Math.exp(0.03 * noise()) })));
    expect(fit.best.model).toBe("O(1)");
    const logFit = fit.fits.find((f) => f.model === "O(log n)")!;
    expect(logFit.rmsLogError).toBeLessThanOrEqual(fit.best.rmsLogError + 1e-9);
  });

  it("fits an exponential of another base and reports that base", () => {
    const fit = fitComplexity([6, 7, 8, 9, 10, 11, 12, 13].map((n) => ({ n, ns: 10 + 3 ** n })));
    expect(fit.best.model).toBe("O(2ⁿ)");
    expect(fit.best.base).toBeCloseTo(3, 2);
    expect(fit.notes.join(" ")).toMatch(/3\.00 per \+1 in n/);
  });

  it("keeps 2ⁿ finite when n is large", () => {
    const fit = fitComplexity([1e3, 1e4, 1e5, 1e6, 1e7].map((n) => ({ n, ns: 2 * n })));
    expect(fit.best.model).toBe("O(n)");
    for (const f of fit.fits) {
      expect(Number.isFinite(f.aicc), f.model).toBe(true);
      expect(Number.isNaN(f.r2), f.model).toBe(false);
    }
    expect(JSON.parse(JSON.stringify(fit))).toEqual(fit);
  });
});

describe("fitComplexity confidence and notes", () => {
  it("says when the sizes span too little and lowers confidence", () => {
    const noise = noiseSource(11);
    const fit = fitComplexity([100, 150, 200, 300, 400].map((n) => ({ n, ns: (30 + n * Math.log2(n)) * Math.exp(0.05 * noise()) })));
    expect(fit.confidence).toBe("low");
    expect(fit.notes.join(" ")).toMatch(/sizes span only 4\.0×: use a wider range/);
  });

  it("calls O(n) against O(n log n) low confidence when noise hides the difference", () => {
    const noise = noiseSource(5);
    const fit = fitComplexity([1000, 1500, 2200, 3300, 5000, 7500].map((n) => ({ n, ns: 5 * n * Math.exp(0.15 * noise()) })));
    expect(fit.confidence).not.toBe("high");
    expect(fit.notes.length).toBeGreaterThan(0);
  });

  it("flags a poor best fit", () => {
    // A step, not a growth class: every model misses.
    const fit = fitComplexity([10, 100, 1e3, 1e4, 1e5, 1e6].map((n) => ({ n, ns: n < 5e3 ? 100 : 1000 })));
    expect(fit.confidence).not.toBe("high");
    expect(fit.notes.join(" ")).toMatch(/misses by about/);
  });

  it("rejects unusable points with USAGE errors", () => {
    const bad = [
      [{ n: 1, ns: 1 }, { n: 2, ns: 2 }],
      [{ n: 1, ns: 1 }, { n: 1, ns: 2 }, { n: 2, ns: 3 }],
      [{ n: -1, ns: 1 }, { n: 2, ns: 2 }, { n: 3, ns: 3 }],
      [{ n: 1, ns: Number.NaN }, { n: 2, ns: 2 }, { n: 3, ns: 3 }],
    ];
    for (const points of bad) {
      let error: unknown;
      try {
        fitComplexity(points);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PerfError);
      expect((error as PerfError).code).toBe("USAGE");
      expect((error as PerfError).hint).toBeTruthy();
    }
  });
});
