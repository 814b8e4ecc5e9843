import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { sanitizeLoadOptions } from "./load-options.js";

describe("sanitizeLoadOptions", () => {
  const signal = new AbortController().signal;

  it("clamps what would exhaust the server and drops what the policy decides", () => {
    const o = sanitizeLoadOptions({ target: "http://127.0.0.1:9/", concurrency: 1e6, workers: 256, requestsPerSecond: 1e9, timeoutMs: 1e9, pipelining: 1000, allowRemote: true, onProgress: "x", duration: "5s" }, signal);
    expect(o).toEqual({ target: "http://127.0.0.1:9/", concurrency: 10_000, workers: availableParallelism(), requestsPerSecond: 200_000, timeoutMs: 60_000, pipelining: 16, duration: "5s", signal });
  });

  it("keeps a request mix and stages of the right shape only", () => {
    const o = sanitizeLoadOptions(
      { target: "http://127.0.0.1:9/", requests: [{ url: "/a", weight: 3, headers: { a: "1", b: 2 } }, "junk", { method: "POST", body: "{}" }], stages: [{ duration: "1s", target: 5 }, { duration: {} }], thresholds: ["p95<200ms", 7] },
      signal,
    );
    expect(o.requests).toEqual([{ url: "/a", weight: 3, headers: { a: "1" } }, { method: "POST", body: "{}" }]);
    expect(o.stages).toEqual([{ duration: "1s", target: 5 }]);
    expect(o.thresholds).toEqual(["p95<200ms"]);
  });
});
