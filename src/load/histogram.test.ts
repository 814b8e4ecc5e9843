import { describe, expect, it } from "vitest";
import { createLatencyHistogram, decodeHistogram, encodeHistogram, mergeEncodedHistogram, recordLatencyUs, summarizeHistogram } from "./histogram.js";

describe("latency histograms", () => {
  it("summarises µs recordings in ms, within 3 significant digits", () => {
    const h = createLatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordLatencyUs(h, ms * 1000);
    const s = summarizeHistogram(h);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(s.max - 1000) / 1000).toBeLessThan(0.001);
    expect(s.min).toBeCloseTo(1, 2);
    expect(s.mean).toBeCloseTo(500.5, 0);
  });

  it("round-trips through base64 and merges worker histograms", () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    for (let i = 0; i < 900; i++) recordLatencyUs(a, 2000);
    for (let i = 0; i < 100; i++) recordLatencyUs(b, 800_000);
    expect(decodeHistogram(encodeHistogram(a)).totalCount).toBe(900);
    const merged = createLatencyHistogram();
    mergeEncodedHistogram(merged, encodeHistogram(a));
    mergeEncodedHistogram(merged, encodeHistogram(b));
    const s = summarizeHistogram(merged);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(2, 1);
    expect(s.p95).toBeGreaterThan(790);
  });

  it("clamps values beyond the range instead of throwing, and summarises empty as zeros", () => {
    const h = createLatencyHistogram();
    recordLatencyUs(h, 1e12);
    recordLatencyUs(h, -5);
    expect(h.totalCount).toBe(2);
    expect(summarizeHistogram(createLatencyHistogram()).count).toBe(0);
  });
});
