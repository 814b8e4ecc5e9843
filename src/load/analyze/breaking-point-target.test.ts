import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlowAboveConcurrencyServer, type SlowAboveConcurrencyServer } from "../test-servers/index.js";
import { findBreakingPointForTarget, optionsForLevel } from "./breaking-point-target.js";

describe("optionsForLevel", () => {
  it("applies the level as connections or as a rate and keeps the run bounded", () => {
    expect(optionsForLevel({ target: "http://127.0.0.1:1/", requestsPerSecond: 5, duration: 2 }, 16, "concurrency")).toEqual({ target: "http://127.0.0.1:1/", duration: 2, concurrency: 16 });
    expect(optionsForLevel({ target: "http://127.0.0.1:1/", stages: [{ duration: 1, target: 9 }], concurrency: 50 }, 300, "rate")).toEqual({
      target: "http://127.0.0.1:1/",
      concurrency: 50,
      duration: "5s",
      requestsPerSecond: 300,
    });
  });
});

describe("findBreakingPointForTarget (real server on loopback)", () => {
  const slots = 8;
  const serviceMs = 20;
  let server: SlowAboveConcurrencyServer;
  beforeAll(async () => {
    server = await startSlowAboveConcurrencyServer({ concurrency: slots, serviceMs });
  });
  afterAll(async () => {
    await server.close();
  });

  it("finds the first concurrency level past the server's 8 parallel slots", async () => {
    const levels = [2, 4, 8, 16, 32];
    const seen: number[] = [];
    const bp = await findBreakingPointForTarget({ target: server.url, duration: "1s", workers: 1 }, levels, "concurrency", { onLevel: (level) => seen.push(level) });
    const expected = levels.find((l) => l > slots)!;
    expect(bp.breakingLevel, bp.evidence.join("\n")).toBe(expected);
    expect(bp.lastGoodLevel).toBe(slots);
    expect(seen).toEqual(levels.filter((l) => l <= expected));
    // The evidence carries the measured numbers: throughput near slots/serviceMs at the knee.
    const atSlots = bp.levels.find((l) => l.level === slots)!;
    expect(atSlots.throughput).toBeGreaterThan(0.6 * (slots / serviceMs) * 1000);
    expect(atSlots.throughput).toBeLessThan((slots / serviceMs) * 1000 * 1.05);
    expect(bp.levels.at(-1)!.p50).toBeGreaterThan(1.5 * serviceMs);
    expect(server.peakInFlight()).toBeGreaterThanOrEqual(expected);
  });
});
