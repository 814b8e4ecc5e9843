import { describe, expect, it } from "vitest";
import { createIpRateLimiter } from "./rate-limiter.js";

describe("createIpRateLimiter", () => {
  it("lets a burst through, then refills at the rate, and says how long to wait", () => {
    const limiter = createIpRateLimiter({ perIpPerSecond: 2, burst: 3 });
    const t = 1_000_000;
    expect([0, 1, 2, 3].map(() => limiter.take("203.0.113.9", t))).toEqual([0, 0, 0, 1]);
    // Half a second at 2/s is one token.
    expect(limiter.take("203.0.113.9", t + 500)).toBe(0);
    expect(limiter.take("203.0.113.9", t + 500)).toBe(1);
    // Never more than the burst, however long the pause.
    const after = t + 3_600_000;
    expect([0, 1, 2, 3].map(() => limiter.take("203.0.113.9", after))).toEqual([0, 0, 0, 1]);
  });

  it("asks for whole seconds: a slow rate means a longer Retry-After", () => {
    const limiter = createIpRateLimiter({ perIpPerSecond: 0.1, burst: 1 });
    expect(limiter.take("a", 0)).toBe(0);
    expect(limiter.take("a", 0)).toBe(10);
    expect(limiter.take("a", 5000)).toBe(5);
  });

  it("keeps IPs apart", () => {
    const limiter = createIpRateLimiter({ perIpPerSecond: 1, burst: 1 });
    expect(limiter.take("a", 0)).toBe(0);
    expect(limiter.take("a", 0)).toBe(1);
    expect(limiter.take("b", 0)).toBe(0);
  });

  it("tracks at most maxTrackedIps, however many addresses flood in", () => {
    const limiter = createIpRateLimiter({ perIpPerSecond: 1, burst: 2, maxTrackedIps: 1000 });
    for (let i = 0; i < 200_000; i++) limiter.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, i);
    expect(limiter.size()).toBe(1000);
  });

  it("evicts refilled buckets before ones that are still limited", () => {
    const limiter = createIpRateLimiter({ perIpPerSecond: 1, burst: 1, maxTrackedIps: 2 });
    limiter.take("hot", 0);
    limiter.take("idle", 0);
    // "hot" is the oldest entry but has just spent its token again; "idle" has refilled.
    expect(limiter.take("hot", 2000)).toBe(0);
    expect(limiter.take("new", 2000)).toBe(0);
    // Had "hot" been evicted, it would come back with a full bucket and get through.
    expect(limiter.take("hot", 2000)).toBe(1);
  });

  it("refuses rates that cannot work", () => {
    expect(() => createIpRateLimiter({ perIpPerSecond: 0, burst: 5 })).toThrow(RangeError);
    expect(() => createIpRateLimiter({ perIpPerSecond: 5, burst: 0 })).toThrow(RangeError);
  });
});
