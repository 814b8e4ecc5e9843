import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { complexity, type ComplexityOptions } from "./complexity-run.js";

/*
 * Known algorithms, timed for real on a shared 2-core machine (other builds and tests run
 * alongside), with the library's defaults unless the algorithm needs otherwise.
 */

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function randomInts(n: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push((Math.random() * 1e9) | 0);
  return a;
}

describe("complexity on known algorithms", () => {
  it("array index is O(1)", async () => {
    const result = await complexity((a: number[]) => a[a.length >> 1], { sizes: [1e2, 1e3, 1e4, 1e5, 1e6], input: range });
    expect(result.fit.best.model).toBe("O(1)");
  });

  it("Map.get is O(1)", async () => {
    // A middle key: an early key such as 7 sits behind a number of later keys in its hash
    // chain that depends on the table's fill at each size (measured 3.4 → 4.9 ns over
    // 10..10⁵), a real but bounded wobble that a five-point fit can read as O(log n).
    const build = (n: number): Map<number, number> => new Map(range(n).map((i) => [i, i]));
    const result = await complexity((m: Map<number, number>) => m.get(m.size >> 1), { sizes: [1e1, 1e2, 1e3, 1e4, 1e5], input: build });
    expect(result.fit.best.model).toBe("O(1)");
  });

  it("binary search is O(log n)", async () => {
    const search = (a: Float64Array): number => {
      const target = a[a.length - 2]!;
      let lo = 0;
      let hi = a.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (a[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const result = await complexity(search, { sizes: [16, 256, 4096, 65_536, 1 << 20], input: (n) => Float64Array.from(range(n)) });
    expect(result.fit.best.model).toBe("O(log n)");
  });

  it("summing an array is O(n)", async () => {
    const sum = (a: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]!;
      return s;
    };
    // Up to 2·10⁵ doubles (1.6 MB) so the array stays in the 4 MB L2 cache: at 10⁶ the
    // sum becomes memory-bound and costs 1.2 → 1.7 ns per element, which fits O(n log n)
    // about as well as O(n) — a real effect, not the class under test.
    const sizes = [1e2, 3e2, 1e3, 3e3, 1e4, 3e4, 1e5, 2e5];
    const result = await complexity(sum, { sizes, input: (n) => new Float64Array(n).fill(1.5) });
    expect(result.fit.best.model).toBe("O(n)");
    expect(result.sizes.map((s) => s.n)).toEqual(sizes);
    for (const s of result.sizes) {
      expect(s.samplesNs.length).toBeGreaterThanOrEqual(7);
      expect(s.minNs).toBeLessThanOrEqual(s.medianNs);
      expect(s.medianNs).toBeLessThanOrEqual(s.maxNs);
    }
  });

  it("Array.prototype.sort on fresh random numbers is O(n log n), told apart from O(n)", async () => {
    // 10³..10⁵: log₂ n grows 1.66× over the range (measured: 280 → 445 ns per element),
    // which the fit separates from O(n) by ΔAICc ≈ 8–20 in trial runs under load. 10⁶ costs
    // 0.5–2 s per sort on this machine: too slow for a unit test. Integers rather than
    // doubles: V8 boxes doubles while sorting, and that allocation adds GC noise.
    // A burst of load from parallel test files can flatten the log factor in one measurement
    // (seen once in CI: O(n) chosen), so a second measurement is allowed.
    const sizes = [1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5];
    const measure = () => complexity((a: number[]) => a.sort((x, y) => x - y), { sizes, input: randomInts, fresh: true, repeats: 5 });
    let result = await measure();
    if (result.fit.best.model !== "O(n log n)") result = await measure();
    expect(result.fit.best.model).toBe("O(n log n)");
  });

  it("nested loops are O(n²)", async () => {
    const pairs = (n: number): number => {
      let c = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c += (i ^ j) & 1;
      return c;
    };
    const result = await complexity(pairs, { sizes: [30, 60, 120, 250, 500, 1000, 2000], input: (n) => n });
    expect(result.fit.best.model).toBe("O(n²)");
  });

  it("a triple loop is O(n³)", async () => {
    const triples = (n: number): number => {
      let c = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) c += (i ^ j ^ k) & 1;
      return c;
    };
    const result = await complexity(triples, { sizes: [8, 16, 32, 64, 128, 200], input: (n) => n });
    expect(result.fit.best.model).toBe("O(n³)");
  });

  it("naive subset enumeration is O(2ⁿ) with base ≈ 2", async () => {
    const countDivisible = (a: number[], i: number, sum: number): number =>
      i === a.length ? (sum % 3 === 0 ? 1 : 0) : countDivisible(a, i + 1, sum + a[i]!) + countDivisible(a, i + 1, sum);
    const result = await complexity((a: number[]) => countDivisible(a, 0, 0), { sizes: [6, 8, 10, 12, 14, 16, 18, 20], input: (n) => range(n).map((i) => i + 1) });
    expect(result.fit.best.model).toBe("O(2ⁿ)");
    expect(result.fit.best.base).toBeGreaterThan(1.8);
    expect(result.fit.best.base).toBeLessThan(2.2);
  });

  it("naive recursive Fibonacci is exponential with base ≈ φ", async () => {
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    const result = await complexity(fib, { sizes: [8, 11, 14, 17, 20, 23], input: (n) => n });
    expect(result.fit.best.model).toBe("O(2ⁿ)");
    expect(result.fit.best.base).toBeGreaterThan(1.5);
    expect(result.fit.best.base).toBeLessThan(1.75);
  });

  it("awaits async functions and still finds O(n)", async () => {
    const sumLater = async (a: Float64Array): Promise<number> => {
      await null;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]!;
      return s;
    };
    // As with sort: a burst of load from parallel test files once bent one measurement into
    // O(n log n) in CI, so a second measurement is allowed.
    const measure = () => complexity(sumLater, { sizes: [1e3, 3e3, 1e4, 3e4, 1e5, 2e5], input: (n) => new Float64Array(n).fill(2) });
    let result = await measure();
    if (result.fit.best.model !== "O(n)") result = await measure();
    expect(result.async).toBe(true);
    expect(result.fit.best.model).toBe("O(n)");
  });
});

describe("complexity mechanics", () => {
  it("fresh: every timed call gets an input no call has touched; otherwise one input per size", async () => {
    let built = 0;
    let reused = 0;
    const mark = (box: { used: boolean }): number => {
      if (box.used) reused++;
      box.used = true;
      return 1;
    };
    const input = (): { used: boolean } => {
      built++;
      return { used: false };
    };
    await complexity(mark, { sizes: [1, 2, 3], input, fresh: true, repeats: 3, minTimeMs: 0.2 });
    expect(reused).toBe(0);
    expect(built).toBeGreaterThan(100);

    built = 0;
    reused = 0;
    await complexity(mark, { sizes: [1, 2, 3], input, repeats: 3, minTimeMs: 0.2 });
    expect(built).toBe(3);
    expect(reused).toBeGreaterThan(100);
  });

  it("reports progress up to the total and calibrates calls so a sample lasts ≥ minTimeMs", async () => {
    const seen: number[] = [];
    const result = await complexity((n: number) => n * 2, { sizes: [10, 20, 30], input: (n) => n, repeats: 3, onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Roughly: V8 may optimise further after calibration, so allow samples down to 0.2 ms.
    for (const s of result.sizes) expect(s.callsPerSample * s.minNs).toBeGreaterThanOrEqual(0.2e6);
  });

  it("rejects bad options with USAGE errors that carry a hint", async () => {
    const base: ComplexityOptions<number> = { sizes: [1, 10, 100], input: (n) => n };
    const cases: ComplexityOptions<number>[] = [
      { ...base, sizes: [1, 10] },
      { ...base, sizes: [1, 10, 10] },
      { ...base, sizes: [1, -10, 100] },
      { ...base, sizes: [1, Number.NaN, 100] },
      { ...base, repeats: 0 },
      { ...base, repeats: 2.5 },
      { ...base, minTimeMs: 0 },
    ];
    for (const options of cases) {
      const error = await complexity((n: number) => n, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PerfError);
      expect((error as PerfError).code).toBe("USAGE");
      expect((error as PerfError).hint).toBeTruthy();
    }
  });

  it("names the size at which the function threw", async () => {
    const error = await complexity((n: number) => {
      if (n > 50) throw new Error("too big");
      return n;
    }, { sizes: [10, 20, 100], input: (n) => n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).message).toContain("n=100");
    expect((error as PerfError).message).toContain("too big");
  });
});
