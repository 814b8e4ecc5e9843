import { describe, expect, it } from "vitest";
import { createRandom } from "../../bench/analyze/random.js";
import { estimateTheilSen, normalQuantile, testMannKendall, thinEvenly } from "./trend-tests.js";

describe("Mann–Kendall", () => {
  it("matches a hand computation: 1 3 2 5 4", () => {
    // Pairs: 8 increases, 2 decreases (3→2, 5→4): S = 6. Var = 5·4·15/18 = 50/3.
    // z = (6 − 1)/√(50/3) = 1.2247; p = 2·(1 − Φ(1.2247)) = 0.2207 (normal table); tau = 6/10.
    const r = testMannKendall([1, 3, 2, 5, 4]);
    expect(r.s).toBe(6);
    expect(r.varianceS).toBeCloseTo(50 / 3, 10);
    expect(r.z).toBeCloseTo(1.2247, 4);
    expect(r.pValue).toBeCloseTo(0.2207, 3);
    expect(r.tau).toBeCloseTo(0.6, 10);
  });

  it("corrects the variance for ties: 1 2 2 3 3 3", () => {
    // S = 5 + 3 + 3 + 0 + 0 = 11. Ties: a pair (t=2) and a triple (t=3):
    // Var = (6·5·17 − 2·1·9 − 3·2·11)/18 = 426/18; z = 10/√23.667 = 2.0556; p ≈ 0.0398.
    const r = testMannKendall([1, 2, 2, 3, 3, 3]);
    expect(r.s).toBe(11);
    expect(r.varianceS).toBeCloseTo(426 / 18, 10);
    expect(r.z).toBeCloseTo(2.0556, 4);
    expect(r.pValue).toBeCloseTo(0.0398, 3);
  });

  it("is symmetric for a decreasing series and gives no evidence on a constant one", () => {
    const down = testMannKendall([4, 5, 2, 3, 1]);
    expect(down.s).toBe(-6);
    expect(down.z).toBeCloseTo(-1.2247, 4);
    const flat = testMannKendall([7, 7, 7, 7, 7]);
    expect(flat.s).toBe(0);
    expect(flat.pValue).toBe(1);
  });

  it("a perfectly monotone series of 6 is the shortest to reach p < 0.01", () => {
    // S = 15, Var = 6·5·17/18 = 28.33, z = 14/5.32 = 2.63, p = 0.0085; for n = 5: p = 0.027.
    expect(testMannKendall([1, 2, 3, 4, 5, 6]).pValue).toBeCloseTo(0.0085, 3);
    expect(testMannKendall([1, 2, 3, 4, 5]).pValue).toBeGreaterThan(0.01);
  });

  it("rejects about alpha of the time on trendless noise", () => {
    const rnd = createRandom(11);
    let rejected = 0;
    const runs = 2000;
    for (let k = 0; k < runs; k++) {
      const y = Array.from({ length: 30 }, () => rnd.nextNormal());
      if (testMannKendall(y).pValue < 0.05) rejected++;
    }
    // The continuity correction makes the test slightly conservative: a little under 5%.
    expect(rejected / runs).toBeGreaterThan(0.03);
    expect(rejected / runs).toBeLessThan(0.065);
  });
});

describe("Theil–Sen with Sen's interval", () => {
  it("matches a hand computation on 1 3 2 5 4", () => {
    // Slopes, sorted: −1 −1 0.5 0.5 0.75 | 1 1 1.33 2 3: the median is (0.75 + 1)/2.
    // C = 1.96·√(50/3) = 8.0; M1 = (10 − 8)/2 ≈ 1 → the 1st slope; M2 + 1 ≈ 10 → the 10th.
    const r = testTheil([1, 2, 3, 4, 5], [1, 3, 2, 5, 4]);
    expect(r.slope).toBeCloseTo(0.875, 10);
    expect(r.ci.low).toBeCloseTo(-1, 2);
    expect(r.ci.high).toBeCloseTo(3, 2);
    expect(r.pairs).toBe(10);
  });

  it("agrees with scipy.stats.theilslopes on a noisy line", () => {
    // scipy 1.17: slope 0.45, interval 0.35 to 0.5667 (scipy rounds the ranks, we interpolate).
    const y = [4.2, 4.8, 3.9, 5.5, 6.1, 5.0, 7.2, 6.8, 7.9, 8.4, 7.7, 9.1];
    const r = testTheil(
      y.map((_, i) => i),
      y,
    );
    expect(r.slope).toBeCloseTo(0.45, 10);
    expect(r.ci.low).toBeCloseTo(0.35, 2);
    expect(r.ci.high).toBeCloseTo(0.567, 1);
  });

  it("shrugs off outliers that would drag a least-squares line", () => {
    const x = Array.from({ length: 20 }, (_, i) => i);
    const y = x.map((v) => 2 * v + 1);
    y[3] = 500;
    y[15] = -400;
    const r = testTheil(x, y);
    expect(r.slope).toBeCloseTo(2, 10);
    expect(r.intercept).toBeCloseTo(1, 10);
  });

  it("covers the true slope about 95% of the time", () => {
    const rnd = createRandom(5);
    let covered = 0;
    const runs = 500;
    for (let k = 0; k < runs; k++) {
      const x = Array.from({ length: 25 }, (_, i) => i * 2.5);
      const y = x.map((v) => 3 * v + 5 * rnd.nextNormal());
      const { ci } = testTheil(x, y);
      if (ci.low <= 3 && 3 <= ci.high) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.985);
  });

  it("skips pairs with equal x and thins long series evenly", () => {
    expect(testTheil([0, 0, 1, 1], [0, 5, 2, 7]).pairs).toBe(4);
    const n = 8000;
    const x = Array.from({ length: n }, (_, i) => i);
    const r = testTheil(
      x,
      x.map((v) => 7 * v - 3),
    );
    expect(r.n).toBe(3000);
    expect(r.slope).toBeCloseTo(7, 10);
    const thinned = thinEvenly(x, 3000);
    expect(thinned[0]).toBe(0);
    expect(thinned[2999]).toBe(n - 1);
    expect(thinned).toHaveLength(3000);
  });

  it("refuses x and y of different lengths", () => {
    expect(() => estimateTheilSen([1, 2], [1])).toThrow(/2 values, y has 1/);
  });
});

it("normalQuantile inverts the normal CDF", () => {
  expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
  expect(normalQuantile(0.5)).toBeCloseTo(0, 10);
  expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
});

function testTheil(x: number[], y: number[]): ReturnType<typeof estimateTheilSen> {
  return estimateTheilSen(x, y, 0.95);
}
