/**
 * detectLeak on synthetic series whose truth is known by construction: the floor (what a
 * major GC leaves) is set explicitly, and the sawtooth on top of it is garbage.
 */
import { describe, expect, it } from "vitest";
import { createRandom } from "../../bench/analyze/random.js";
import { PerfError } from "../../core/errors.js";
import { MEMORY_MODEL_VERSION, type MemorySample, type MemorySeries } from "../model.js";
import { applyNaiveGrowthRule, detectLeak } from "./leak-verdict.js";

const MB = 1024 * 1024;
const T0 = 1_700_000_000_000;

interface Shape {
  seconds: number;
  /** The live floor at time t (seconds), bytes. */
  floor: (t: number) => number;
  /** Garbage cycle: heap climbs `amplitude` over `periodS`, then a major GC drops it to the floor. */
  amplitude: number;
  periodS: number;
  /** Mark the sample after each GC drop (a collector that sees major GCs). */
  marks: boolean;
  rssOnly?: boolean;
  requestsPerS?: number;
  noise?: number;
  /** Phase of the sawtooth at t = 0, 0..1. */
  phase?: number;
  seed?: number;
}

function makeSeries(shape: Shape): MemorySeries {
  const rnd = createRandom(shape.seed ?? 1);
  const samples: MemorySample[] = [];
  let lastCycle = -1;
  for (let t = 0; t <= shape.seconds; t++) {
    const pos = t / shape.periodS + (shape.phase ?? 0);
    const cycle = Math.floor(pos);
    const noise = (shape.noise ?? 50_000) * rnd.nextNormal();
    const value = shape.floor(t) + shape.amplitude * (pos - cycle) + noise;
    const afterGc = shape.marks && cycle !== lastCycle && t > 0;
    lastCycle = cycle;
    samples.push({
      at: T0 + t * 1000,
      rss: value + 40 * MB,
      heapUsed: shape.rssOnly ? null : value,
      heapTotal: shape.rssOnly ? null : value + 8 * MB,
      external: null,
      afterGc,
      heapAfterGc: afterGc && !shape.rssOnly ? shape.floor(t) + noise : null,
      requests: shape.requestsPerS === undefined ? null : t * shape.requestsPerS,
    });
  }
  return { version: MEMORY_MODEL_VERSION, pid: 4242, command: "synthetic", startedAt: T0, endedAt: T0 + shape.seconds * 1000, intervalMs: 1000, samples, ended: null, load: null, notes: [] };
}

describe("detectLeak on synthetic series", () => {
  it("a big sawtooth over a flat floor is no leak, though the naive rule calls it one", () => {
    // 5 minutes, 60 MB of garbage every 20 s over a 40 MB floor; the watch starts just after
    // a GC (2% into a cycle) and ends near a peak (299 s: 97% into one).
    const series = makeSeries({ seconds: 299, floor: () => 40 * MB, amplitude: 60 * MB, periodS: 20, marks: true, phase: 0.02 });
    const v = detectLeak(series);
    expect(v.state).toBe("no-leak");
    expect(v.basis).toMatch(/after major GC/);
    expect(v.points).toBe(14);
    expect(Math.abs(v.slopePerMinute)).toBeLessThan(64 * 1024);
    // Last sample at 97% of a cycle: 40 + 58 MB against 40 + 1 MB at the start.
    const naive = applyNaiveGrowthRule(series);
    expect(naive.flagged).toBe(true);
    expect(naive.growth).toBeGreaterThan(1);
  });

  it("finds a slow leak (1 MB/min) hidden under a 60 MB sawtooth that the naive rule misses", () => {
    const series = makeSeries({ seconds: 303, floor: (t) => 40 * MB + (MB * t) / 60, amplitude: 60 * MB, periodS: 20, marks: true, phase: 0.9, requestsPerS: 100 });
    const v = detectLeak(series);
    expect(v.state).toBe("leak");
    expect(v.slopeCi.low).toBeLessThan(MB);
    expect(v.slopeCi.high).toBeGreaterThan(MB);
    expect(v.slopePerMinute).toBeGreaterThan(0.9 * MB);
    expect(v.slopePerMinute).toBeLessThan(1.1 * MB);
    expect(v.mannKendall.pValue).toBeLessThan(0.001);
    expect(v.mannKendall.tau).toBeGreaterThan(0.8);
    // 1 MB/min at 6000 requests/min: ~175 bytes per request.
    expect(v.perRequest).toBeGreaterThan((0.9 * MB) / 6000);
    expect(v.perRequest).toBeLessThan((1.1 * MB) / 6000);
    expect(v.recent?.points).toBeGreaterThanOrEqual(6);
    expect(v.reason).toMatch(/^Leak: lows rise .*, 175 B per request/);
    // Starts near a peak (90% of a cycle), ends just after a GC (303 s: 5% into one): the heap "shrank".
    const naive = applyNaiveGrowthRule(series);
    expect(naive.growth).toBeLessThan(0);
    expect(naive.flagged).toBe(false);
  });

  it("a cache that warms up and then holds is no leak: grew then plateaued", () => {
    // The floor climbs 30 MB over the first 2 minutes of 5, then stays.
    const series = makeSeries({ seconds: 300, floor: (t) => 40 * MB + 30 * MB * Math.min(1, t / 120), amplitude: 20 * MB, periodS: 10, marks: true });
    const v = detectLeak(series);
    expect(v.state).toBe("no-leak");
    expect(v.reason).toMatch(/plateaued/);
    // Overall the trend is strong; the verdict rests on the later half being flat.
    expect(v.mannKendall.pValue).toBeLessThan(0.01);
    expect(v.slopePerMinute).toBeGreaterThan(64 * 1024);
    expect(v.recent).not.toBeNull();
    expect(Math.abs(v.recent!.slopePerMinute)).toBeLessThan(0.25 * v.slopePerMinute);
  });

  it("says how much more is needed when the watch is short", () => {
    const series = makeSeries({ seconds: 20, floor: (t) => 40 * MB + MB * t, amplitude: 10 * MB, periodS: 5, marks: true });
    const v = detectLeak(series);
    expect(v.state).toBe("not-enough-data");
    expect(v.reason).toMatch(/10\.0 s more watching/);
    // 4 major GCs (fewer than 8) so window minima: two windows of 10 samples (twice the 5 s cycle).
    expect(v.basis).toMatch(/window of 10 samples \(2 windows; only 4 major GC marks\)/);
    expect(v.reason).toMatch(/6 more lows \(have 2 of 8, about 60\.0 s more at the rate seen\)/);
  });

  it("falls back to RSS window minima for a process without a V8 heap", () => {
    // 3 MB/min under a 30 MB sawtooth of period 6 s, no GC marks: windows of ~12 samples.
    const series = makeSeries({ seconds: 180, floor: (t) => 100 * MB + (3 * MB * t) / 60, amplitude: 30 * MB, periodS: 6, marks: false, rssOnly: true });
    const v = detectLeak(series);
    expect(v.state).toBe("leak");
    expect(v.basis).toMatch(/^rss lows per window of 12 samples/);
    expect(v.slopePerMinute).toBeGreaterThan(2.7 * MB);
    expect(v.slopePerMinute).toBeLessThan(3.3 * MB);
    expect(() => detectLeak(series, { metric: "heapUsed" })).toThrow(PerfError);
  });

  it("does not call a V8 floor that rises only between major GCs a leak", () => {
    // Old-generation garbage: the minor-GC floor creeps up 4 MB/min until a major GC takes it
    // back. Too few major GCs are marked for the after-GC basis, so window minima are used.
    const creep = (resetAt: number) => (t: number) => 40 * MB + ((4 * MB) / 60) * (t % resetAt);
    const base = { amplitude: 8 * MB, periodS: 6, marks: false, noise: 20_000 };
    const unmarked = makeSeries({ ...base, seconds: 130, floor: creep(1000) });
    const v0 = detectLeak(unmarked);
    expect(v0.mannKendall.pValue).toBeLessThan(0.001);
    expect(v0.state).toBe("not-enough-data");
    expect(v0.reason).toMatch(/no major GC was seen/);
    unmarked.samples[3]!.afterGc = true;
    expect(detectLeak(unmarked).reason).toMatch(/only one major GC was seen/);
    // Two major GCs, each leaving the same 40 MB: the creep was garbage.
    const marked = makeSeries({ ...base, seconds: 200, floor: creep(190) });
    for (const t of [3, 190]) {
      const s = marked.samples[t]!;
      s.afterGc = true;
      s.heapAfterGc = 40 * MB;
    }
    const v = detectLeak(marked);
    expect(v.basis).toMatch(/window/);
    expect(v.mannKendall.pValue).toBeLessThan(0.01);
    expect(v.state).toBe("no-leak");
    expect(v.reason).toMatch(/garbage they collect, floors at 2 major GCs move 0 B\/min/);
    // A real leak of 4 MB/min: the floors at the two major GCs are 5.8 MB apart and confirm it.
    const leak = makeSeries({ ...base, seconds: 130, floor: creep(1000) });
    for (const t of [3, 90]) {
      leak.samples[t]!.afterGc = true;
      leak.samples[t]!.heapAfterGc = 40 * MB + ((4 * MB) / 60) * t;
    }
    const vl = detectLeak(leak);
    expect(vl.state).toBe("leak");
    expect(vl.reason).toMatch(/confirmed across major GCs: floors at 2 major GCs move 4\.0 MB\/min/);
  });

  it("respects the slope floor and the significance level", () => {
    const slow = makeSeries({ seconds: 300, floor: (t) => 40 * MB + (30 * 1024 * t) / 60, amplitude: 20 * MB, periodS: 10, marks: true, noise: 2000 });
    const v = detectLeak(slow);
    expect(v.state).toBe("no-leak");
    expect(v.reason).toMatch(/slope below the 64\.0 KB\/min floor/);
    expect(detectLeak(slow, { minSlopePerMinute: 10 * 1024 }).state).toBe("leak");
    const noisy = makeSeries({ seconds: 300, floor: (t) => 40 * MB + (100 * 1024 * t) / 60, amplitude: 20 * MB, periodS: 10, marks: true, noise: 1.5 * MB, seed: 3 });
    const loose = detectLeak(noisy, { alpha: 0.5 });
    const strict = detectLeak(noisy, { alpha: 1e-9 });
    expect(strict.state).toBe("no-leak");
    expect(strict.mannKendall.pValue).toBe(loose.mannKendall.pValue);
  });
});
