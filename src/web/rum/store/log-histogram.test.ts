import { describe, expect, it } from "vitest";
import { decodeLogHistogramsInto, LogHistogram, LOG_HISTOGRAM_RELATIVE_ACCURACY } from "./log-histogram.js";
import { createRandom, drawLogNormal, exactQuantile } from "./test-helpers/seeded-random.js";

const QUANTILES = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

function histogramOf(values: readonly number[]): LogHistogram {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  return h;
}

function expectWithinAccuracy(actual: number, expected: number): void {
  // A hair over the bound for floating-point rounding at the bucket edges.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * LOG_HISTOGRAM_RELATIVE_ACCURACY * 1.0001);
}

describe("log histogram", () => {
  it("reads back every quantile of 20,000 log-normal LCP times within 1 % of the exact sorted value", () => {
    const random = createRandom(7);
    const values = Array.from({ length: 20_000 }, () => drawLogNormal(random, 2200, 0.6));
    const h = histogramOf(values);
    expect(h.count).toBe(20_000);
    for (const q of QUANTILES) expectWithinAccuracy(h.quantile(q), exactQuantile(values, q));
  });

  it("keeps CLS zeros exact and the non-zero scores within 1 %", () => {
    const random = createRandom(11);
    const values = Array.from({ length: 10_000 }, () => (random() < 0.4 ? 0 : drawLogNormal(random, 0.05, 1.2)));
    const h = histogramOf(values);
    expect(h.zeroCount).toBe(values.filter((v) => v === 0).length);
    for (const q of QUANTILES) {
      const exact = exactQuantile(values, q);
      if (exact === 0) expect(h.quantile(q)).toBe(0);
      else expectWithinAccuracy(h.quantile(q), exact);
    }
  });

  it("covers values from 0.3 ms to 10 minutes in one histogram", () => {
    const random = createRandom(3);
    const values = Array.from({ length: 5000 }, () => Math.exp(Math.log(0.3) + random() * Math.log(600_000 / 0.3)));
    const h = histogramOf(values);
    for (const q of QUANTILES) expectWithinAccuracy(h.quantile(q), exactQuantile(values, q));
  });

  it("merges to the same quantiles as one histogram of all values", () => {
    const random = createRandom(5);
    const a = Array.from({ length: 3000 }, () => drawLogNormal(random, 150, 0.8));
    const b = Array.from({ length: 7000 }, () => drawLogNormal(random, 400, 0.5));
    const merged = histogramOf(a);
    merged.merge(histogramOf(b));
    expect(merged.count).toBe(10_000);
    for (const q of QUANTILES) expectWithinAccuracy(merged.quantile(q), exactQuantile([...a, ...b], q));
  });

  it("counts the values above a threshold, off by at most the threshold's own bucket", () => {
    const random = createRandom(9);
    const values = Array.from({ length: 10_000 }, () => drawLogNormal(random, 2500, 0.5));
    const h = histogramOf(values);
    for (const threshold of [1000, 2500, 4000, 9000]) {
      const exact = values.filter((v) => v > threshold).length;
      const ownBucket = values.filter((v) => v > threshold / 1.02 && v <= threshold * 1.02).length;
      expect(Math.abs(h.countAbove(threshold) - exact)).toBeLessThanOrEqual(ownBucket);
    }
    expect(h.countAbove(0)).toBe(10_000);
  });

  it("survives encode/decode unchanged and decodes into several targets at once", () => {
    const random = createRandom(13);
    const values = Array.from({ length: 4000 }, () => (random() < 0.1 ? 0 : drawLogNormal(random, 80, 1.5)));
    const h = histogramOf(values);
    const bytes = h.encode();
    // Sparse: far fewer bytes than values.
    expect(bytes.length).toBeLessThan(values.length);
    const back = LogHistogram.decode(bytes);
    expect(back.count).toBe(h.count);
    expect(back.zeroCount).toBe(h.zeroCount);
    for (const q of QUANTILES) expect(back.quantile(q)).toBe(h.quantile(q));
    const x = new LogHistogram();
    const y = histogramOf([1, 2, 3]);
    decodeLogHistogramsInto(bytes, [x, y]);
    expect(x.count).toBe(4000);
    expect(y.count).toBe(4003);
  });

  it("decodes several histograms concatenated, as string_agg returns them, into their merge", () => {
    const random = createRandom(17);
    const parts = [0.02, 0.3, 0].map((median) => Array.from({ length: 500 }, () => (median === 0 ? 0 : drawLogNormal(random, median, 0.8))));
    const merged = new LogHistogram();
    decodeLogHistogramsInto(Buffer.concat(parts.map((values) => histogramOf(values).encode())), [merged]);
    expect(merged.count).toBe(1500);
    expect(merged.zeroCount).toBe(500);
    for (const q of QUANTILES) {
      const exact = exactQuantile(parts.flat(), q);
      if (exact === 0) expect(merged.quantile(q)).toBe(0);
      else expectWithinAccuracy(merged.quantile(q), exact);
    }
    expect([...new LogHistogram().encode()]).toEqual([1, 0, 0]);
  });

  it("keeps counts beyond 2^31 exact through encoding", () => {
    const h = new LogHistogram();
    h.add(100, 5_000_000_000);
    h.add(0, 3_000_000_000);
    const back = LogHistogram.decode(h.encode());
    expect(back.count).toBe(8_000_000_000);
    expect(back.zeroCount).toBe(3_000_000_000);
  });

  it("refuses truncated or foreign bytes", () => {
    const bytes = histogramOf([10, 20, 30]).encode();
    expect(() => LogHistogram.decode(bytes.subarray(0, bytes.length - 1))).toThrow(/ends early/);
    expect(() => LogHistogram.decode(Buffer.from([9, 0, 0]))).toThrow(/version 9/);
    expect(() => LogHistogram.decode(Buffer.concat([bytes, Buffer.from([7])]))).toThrow(/at byte \d+ has encoding version 7/);
    expect(() => LogHistogram.decode(Buffer.alloc(0))).toThrow(/ends early/);
  });

  it("answers NaN for an empty histogram", () => {
    expect(new LogHistogram().quantile(0.75)).toBeNaN();
  });
});
