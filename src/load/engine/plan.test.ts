import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { isLoopbackHost, planLoadTest, splitEvenly } from "./plan.js";

function usageError(fn: () => unknown): PerfError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).code).toBe("USAGE");
    return error as PerfError;
  }
  throw new Error("expected a USAGE error");
}

describe("planLoadTest", () => {
  it("refuses a run without a bound", () => {
    const e = usageError(() => planLoadTest({ target: "http://127.0.0.1:8080/" }));
    expect(e.message).toMatch(/duration, stages or maxRequests/);
  });

  it("names the URL when it is malformed, not http(s), or remote", () => {
    expect(usageError(() => planLoadTest({ target: "not a url", duration: 1 })).where?.url).toBe("not a url");
    expect(usageError(() => planLoadTest({ target: "ftp://127.0.0.1/x", duration: 1 })).message).toMatch(/ftp/);
    const remote = usageError(() => planLoadTest({ target: "http://example.com/", duration: 1 }));
    expect(remote.message).toMatch(/example\.com/);
    expect(remote.hint).toMatch(/allowRemote/);
    expect(planLoadTest({ target: "http://example.com/", duration: 1, allowRemote: true }).target).toBe("http://example.com/");
    usageError(() => planLoadTest({ target: "http://127.0.0.1/", duration: 1, requests: [{ url: "http://10.0.0.1/a" }] }));
  });

  it("rejects bad numbers and durations", () => {
    usageError(() => planLoadTest({ target: "http://127.0.0.1/", duration: "soon" }));
    usageError(() => planLoadTest({ target: "http://127.0.0.1/", duration: 1, requestsPerSecond: 0 }));
    usageError(() => planLoadTest({ target: "http://127.0.0.1/", duration: 1, concurrency: 0 }));
  });

  it("picks the model and splits connections, rate and quota across workers", () => {
    const closed = planLoadTest({ target: "http://localhost:1/", duration: "2s", concurrency: 5, workers: 2 });
    expect(closed.model).toBe("closed");
    expect(closed.workers.map((w) => w.connections)).toEqual([3, 2]);
    const open = planLoadTest({ target: "http://127.0.0.1:1/", maxRequests: 7, requestsPerSecond: 100, concurrency: 4, workers: 3 });
    expect(open.model).toBe("open");
    expect(open.workers.map((w) => w.maxRequests)).toEqual([3, 2, 2]);
    expect(open.workers.reduce((a, w) => a + w.rateShare, 0)).toBeCloseTo(1, 9);
    const staged = planLoadTest({ target: "http://127.0.0.1:1/", stages: [{ duration: "1s", target: 50 }, { duration: 2, target: 200 }] });
    expect(staged.model).toBe("open");
    expect(staged.durationMs).toBe(3000);
    expect(staged.peakRate).toBe(200);
  });

  it("recognises loopback hosts only", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["10.0.0.1", "128.0.0.1", "example.com", "localhost.example.com", "::2"]) expect(isLoopbackHost(h)).toBe(false);
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
  });
});
