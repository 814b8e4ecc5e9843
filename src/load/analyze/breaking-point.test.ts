import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import type { LoadResult } from "../model.js";
import { findBreakingPoint, judgeLevel, levelsFromSteps, type LevelVerdict } from "./breaking-point.js";
import { buildLoadResult } from "./test-helpers/load-result.js";

/** A closed-model server with `slots` parallel workers and a fixed service time: Little's law gives its numbers. */
function simulateClosedServer(slots: number, serviceMs: number) {
  return (level: number): LoadResult => {
    const inService = Math.min(level, slots);
    const throughput = (inService / serviceMs) * 1000;
    const latency = serviceMs * Math.max(1, level / slots);
    return buildLoadResult({ throughput, completed: Math.round(throughput * 2), durationMs: 2000, latency: { p50: latency, p95: latency * 1.1, p99: latency * 1.2 } });
  };
}

function verdict(level: number, throughput: number, p95: number, errorRate = 0): LevelVerdict {
  return { level, throughput, p50: p95 / 2, p95, p99: p95 * 1.2, errorRate, verdict: "ok", reasons: [] };
}

describe("levelsFromSteps", () => {
  it("parses comma or space separated increasing levels", () => {
    expect(levelsFromSteps("10,50,100")).toEqual([10, 50, 100]);
    expect(levelsFromSteps(" 1, 2 4 ")).toEqual([1, 2, 4]);
  });
  it("rejects non-numbers, zero and decreasing steps", () => {
    for (const bad of ["", "10,x", "0,10", "10,5", "10,10"]) expect(() => levelsFromSteps(bad), bad).toThrow(PerfError);
  });
});

describe("findBreakingPoint", () => {
  it("finds the level past the server's capacity and stops there", async () => {
    const slots = 8;
    const sim = simulateClosedServer(slots, 20);
    const ran: number[] = [];
    const bp = await findBreakingPoint({
      levels: [2, 4, 8, 16, 32, 64],
      run: async (level) => {
        ran.push(level);
        return sim(level);
      },
    });
    // The first level above the slot count is where throughput stops rising and latency grows.
    const expected = [2, 4, 8, 16, 32, 64].find((l) => l > slots)!;
    expect(bp.breakingLevel).toBe(expected);
    expect(bp.lastGoodLevel).toBe(slots);
    expect(ran).toEqual([2, 4, 8, 16]);
    expect(bp.levels.map((l) => l.verdict)).toEqual(["ok", "ok", "ok", "degraded"]);
    expect(bp.reason).toMatch(/throughput stops rising|latency bends up/);
    expect(bp.evidence.join("\n")).toContain("level 16:");
    expect(bp.reason).toContain("400 → 400 req/s");
  });

  it("reports an error-rate breach at the level where errors pass the limit", async () => {
    const rates: Record<number, number> = { 10: 0, 20: 0.004, 40: 0.03, 80: 0.2 };
    const bp = await findBreakingPoint({
      levels: [10, 20, 40, 80],
      errorRateLimit: 0.01,
      run: async (level) => buildLoadResult({ completed: 10_000, throughput: level * 10, errors: { bad_response: Math.round(10_000 * rates[level]!) }, latency: { p95: 5 } }),
    });
    expect(bp.breakingLevel).toBe(40);
    expect(bp.reason).toMatch(/^errors: 3\.0% .* above the 1\.0% limit/);
  });

  it("honours a p95 SLO even while throughput still scales", async () => {
    const bp = await findBreakingPoint({
      levels: [10, 20, 40],
      latencyLimitMs: 50,
      run: async (level) => buildLoadResult({ throughput: level * 100, latency: { p50: level, p95: level * 2 } }),
    });
    expect(bp.breakingLevel).toBe(40); // p95 = 80 ms > 50 ms; at 20 it was 40 ms
    expect(bp.reason).toContain("SLO");
  });

  it("returns no breaking level when every level scales, and says so", async () => {
    const bp = await findBreakingPoint({ levels: [1, 2, 4], run: async (l) => buildLoadResult({ throughput: l * 1000, latency: { p95: 3 } }) });
    expect(bp.breakingLevel).toBeNull();
    expect(bp.lastGoodLevel).toBe(4);
    expect(bp.evidence.at(-1)).toMatch(/no level degraded/);
  });

  it("stops before the next level when aborted", async () => {
    const ac = new AbortController();
    const bp = await findBreakingPoint({
      levels: [1, 2, 4],
      signal: ac.signal,
      run: async (l) => {
        if (l === 2) ac.abort();
        return buildLoadResult({ throughput: l * 1000 });
      },
    });
    expect(bp.levels.map((l) => l.level)).toEqual([1, 2]);
    expect(bp.stopped).toMatch(/aborted before level 4/);
  });
});

describe("judgeLevel rules", () => {
  it("latency bend: p95 more than 2x the best earlier while throughput barely rises", () => {
    const earlier = [verdict(10, 1000, 10), verdict(20, 1900, 14), verdict(40, 2000, 17)];
    const reasons = judgeLevel(verdict(80, 2050, 25), earlier);
    expect(reasons.some((r) => r.startsWith("latency bends up") && r.includes("2.5×"))).toBe(true);
  });

  it("does not call growing latency a break while throughput keeps up with the load", () => {
    // Doubling the load, throughput +80% and p95 +50%: still scaling.
    expect(judgeLevel(verdict(20, 1800, 15), [verdict(10, 1000, 10)])).toEqual([]);
  });

  it("throughput stops rising: +10% throughput for +100% load while p95 grows by half", () => {
    // Measured shape of a server with 8 slots at 8 → 16 connections: not flat, but far from scaling.
    const reasons = judgeLevel(verdict(16, 386, 42.8), [verdict(4, 181, 24.3), verdict(8, 350, 27)]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^throughput stops rising: throughput 350 → 386 req\/s \(\+10\.3%\) for 100\.0% more load, less than 50\.0% of the added load/);
  });

  it("sees the shift at p50 when a noisy p95 at the previous level hides it", () => {
    // Measured on a busy machine: p95 +21% only, but p50 +79% and throughput +21% for +100% load.
    const prev = { ...verdict(8, 304, 38.7), p50: 23.1 };
    const cur = { ...verdict(16, 368, 46.7), p50: 41.3 };
    expect(judgeLevel(cur, [prev])[0]).toMatch(/throughput stops rising: .* p50 23\.1 → 41\.3 ms \(\+78\.8%\)/);
  });

  it("ignores sub-millisecond latency jitter on a flat throughput", () => {
    expect(judgeLevel(verdict(20, 1000, 0.3), [verdict(10, 1000, 0.2)])).toEqual([]);
  });

  it("asks less throughput gain of a small load step", () => {
    // +5% load, +4% throughput: fine, although below the 10% gain asked of big steps.
    expect(judgeLevel(verdict(105, 1040, 14), [verdict(100, 1000, 10)])).toEqual([]);
    expect(judgeLevel(verdict(105, 1000, 14), [verdict(100, 1000, 10)])[0]).toMatch(/throughput stops rising/);
  });
});
