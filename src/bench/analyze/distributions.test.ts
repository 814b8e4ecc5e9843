import { describe, expect, it } from "vitest";
import { logGamma, normalUpperTail, regularizedIncompleteBeta, studentTTwoSidedP } from "./distributions.js";

// Reference values computed independently (Python math.lgamma / math.erfc, and numerical
// integration of the t density), or closed forms noted beside them.
describe("distribution functions", () => {
  it("logGamma matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247004, 12); // ln √π
    expect(logGamma(3.7)).toBeCloseTo(1.4280723266653883, 12);
    expect(logGamma(10)).toBeCloseTo(12.801827480081467, 11); // ln 9!
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(logGamma(0)).toBeNaN();
  });

  it("regularized incomplete beta matches closed forms", () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12); // uniform CDF
    expect(regularizedIncompleteBeta(0.6, 3, 1)).toBeCloseTo(0.6 ** 3, 12); // I_x(a,1) = x^a
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 12); // symmetry
    // I_x(2, 3) = P(Binomial(4, x) ≥ 2) = 0.3483 at x = 0.3.
    expect(regularizedIncompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 12);
    expect(regularizedIncompleteBeta(0.7, 3, 2)).toBeCloseTo(1 - 0.3483, 12);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    // Large parameters (as in a binomial with n = 100k) still give a sane, symmetric answer.
    expect(regularizedIncompleteBeta(0.5, 50_000, 50_000)).toBeCloseTo(0.5, 8);
  });

  it("normal upper tail matches erfc, far into the tail", () => {
    expect(normalUpperTail(0)).toBe(0.5);
    expect(normalUpperTail(1.96)).toBeCloseTo(0.024997895148220435, 12);
    expect(normalUpperTail(-1.96)).toBeCloseTo(1 - 0.024997895148220435, 12);
    expect(normalUpperTail(2.5758293035489)).toBeCloseTo(0.005, 12);
    expect(normalUpperTail(5) / 2.866515718791946e-7).toBeCloseTo(1, 9);
  });

  it("Student t two-sided p-values match textbook quantiles and closed forms", () => {
    expect(studentTTwoSidedP(2.228, 10)).toBeCloseTo(0.050011771817143835, 8); // t₀.₀₂₅,₁₀ = 2.228
    expect(studentTTwoSidedP(3.169, 10)).toBeCloseTo(0.010004633364389516, 8); // t₀.₀₀₅,₁₀ = 3.169
    expect(studentTTwoSidedP(12.706, 1)).toBeCloseTo(0.05000080234261471, 8);
    expect(studentTTwoSidedP(2, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(2), 12); // Cauchy
    expect(studentTTwoSidedP(2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 12); // df = 2 closed form
    expect(studentTTwoSidedP(-2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 12);
    expect(studentTTwoSidedP(0, 5)).toBe(1);
    // Huge df tends to the normal: p(1.96) → 0.05.
    expect(studentTTwoSidedP(1.96, 1e7)).toBeCloseTo(2 * 0.024997895148220435, 6);
  });
});
