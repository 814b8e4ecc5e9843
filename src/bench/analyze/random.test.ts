import { describe, expect, it } from "vitest";
import { createRandom } from "./random.js";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe("createRandom", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const c = createRandom(124);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    // Seed 0 must not collapse to a stuck all-zero state.
    const zero = createRandom(0);
    expect(new Set(Array.from({ length: 100 }, () => zero.next())).size).toBe(100);
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const random = createRandom(7);
    let min = 1;
    let max = 0;
    const { mean, variance } = moments(() => {
      const x = random.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      return x;
    }, 200_000);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it("draws integers evenly over [0, bound): chi-square well below the 0.1% critical value", () => {
    const random = createRandom(11);
    const bound = 10;
    const counts = new Array<number>(bound).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[random.nextInt(bound)]!++;
    const expected = n / bound;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // χ²(9) exceeds 27.88 with probability 0.001.
    expect(chi2).toBeLessThan(27.88);
  });

  it("draws normals, gammas and betas with the textbook mean and variance", () => {
    const random = createRandom(99);
    const normal = moments(() => random.nextNormal(), 100_000);
    expect(normal.mean).toBeCloseTo(0, 1);
    expect(normal.variance).toBeCloseTo(1, 1);
    // Gamma(k, 1): mean k, variance k — both above and below shape 1.
    for (const shape of [0.5, 3, 250]) {
      const g = moments(() => random.nextGamma(shape), 50_000);
      expect(Math.abs(g.mean - shape) / shape).toBeLessThan(0.02);
      expect(Math.abs(g.variance - shape) / shape).toBeLessThan(0.05);
    }
    // Beta(a, b): mean a/(a+b), variance ab/((a+b)²(a+b+1)).
    const [a, b] = [2, 5];
    const beta = moments(() => random.nextBeta(a, b), 50_000);
    expect(beta.mean).toBeCloseTo(a / (a + b), 2);
    expect(beta.variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 3);
  });
});
