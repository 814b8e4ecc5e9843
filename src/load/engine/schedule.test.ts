import { describe, expect, it } from "vitest";
import { createArrivalSchedule, type ArrivalScheduleOptions } from "./schedule.js";

function collect(options: ArrivalScheduleOptions, untilMs: number): number[] {
  const s = createArrivalSchedule(options);
  const out: number[] = [];
  for (let t = s.next(); t !== null && t < untilMs; t = s.next()) out.push(t);
  return out;
}

/** Deterministic uniform(0,1) source (LCG) so the Poisson checks cannot flake. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1664525 + 1013904223) % 4294967296;
    return (x + 0.5) / 4294967296;
  };
}

describe("createArrivalSchedule", () => {
  it("spaces constant arrivals at 1/rate and interleaves workers by phase", () => {
    const a = collect({ startRate: 500, stages: null, share: 0.5, phase: 0, arrival: "constant" }, 1000);
    const b = collect({ startRate: 500, stages: null, share: 0.5, phase: 0.5, arrival: "constant" }, 1000);
    expect(a).toHaveLength(250);
    expect(a[1]! - a[0]!).toBeCloseTo(4, 9);
    const merged = [...a, ...b].sort((x, y) => x - y);
    expect(merged).toHaveLength(500);
    // Two workers at half the rate each, shifted by half a gap: one send every 2 ms overall.
    for (let i = 1; i < merged.length; i++) expect(merged[i]! - merged[i - 1]!).toBeCloseTo(2, 9);
  });

  it("draws Poisson arrivals: the right count and exponential gaps (CV close to 1)", () => {
    const times = collect({ startRate: 1000, stages: null, share: 1, phase: 0, arrival: "poisson", random: lcg(42) }, 20_000);
    // 20 000 expected; a Poisson count's sd is sqrt(20 000) ≈ 141, so ±5 sd is ±710.
    expect(Math.abs(times.length - 20_000)).toBeLessThan(710);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
  });

  it("ramps linearly through stages: area under the rate curve, k6-style", () => {
    // 0 → 1000 req/s over 2 s, then hold 1000 req/s for 1 s.
    const stages = [
      { durationMs: 2000, target: 1000 },
      { durationMs: 1000, target: 1000 },
    ];
    const times = collect({ startRate: 0, stages, share: 1, phase: 0, arrival: "constant" }, Infinity);
    // Triangle 0.5·2 s·1000/s = 1000, then 1000 more.
    expect(times.length).toBeGreaterThanOrEqual(1999);
    expect(times.length).toBeLessThanOrEqual(2001);
    // In the first second of the ramp the rate averages 250/s: a quarter of the triangle.
    expect(times.filter((t) => t < 1000).length).toBeCloseTo(250, -1);
    expect(times[times.length - 1]!).toBeLessThanOrEqual(3000);
    // Gaps shrink along the ramp.
    expect(times[11]! - times[10]!).toBeGreaterThan(times[901]! - times[900]!);
  });

  it("ends when the stages end, and ramps down too", () => {
    const times = collect({ startRate: 400, stages: [{ durationMs: 1000, target: 0 }], share: 1, phase: 0, arrival: "constant" }, Infinity);
    expect(times.length).toBeGreaterThanOrEqual(199);
    expect(times.length).toBeLessThanOrEqual(201);
    expect(times.filter((t) => t < 500).length).toBeCloseTo(150, -1);
  });
});
