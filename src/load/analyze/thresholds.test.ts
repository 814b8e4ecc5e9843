import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { buildLoadResult } from "./test-helpers/load-result.js";
import { evaluateThresholds, parseThreshold } from "./thresholds.js";

describe("parseThreshold", () => {
  it("reads latency percentiles with units, bare numbers as ms", () => {
    expect(parseThreshold("p50<200ms")).toMatchObject({ metric: "p50", kind: "latency", operator: "<", limit: 200 });
    expect(parseThreshold("p95<0.5s")).toMatchObject({ metric: "p95", limit: 500 });
    expect(parseThreshold("p99<=300")).toMatchObject({ metric: "p99", operator: "<=", limit: 300 });
    expect(parseThreshold("p99.9 < 1s")).toMatchObject({ metric: "p99.9", limit: 1000 });
    expect(parseThreshold("max<2s")).toMatchObject({ metric: "max", limit: 2000 });
    expect(parseThreshold("mean<100ms")).toMatchObject({ metric: "mean", limit: 100 });
    expect(parseThreshold("p90>=250us")).toMatchObject({ metric: "p90", operator: ">=", limit: 0.25 });
    expect(parseThreshold("p(95)<200")).toMatchObject({ metric: "p95", limit: 200 });
  });

  it("tells error rate (%) from error count", () => {
    expect(parseThreshold("errors<1%")).toMatchObject({ kind: "error_rate", limit: 0.01 });
    expect(parseThreshold("errors<5")).toMatchObject({ kind: "error_count", limit: 5 });
    expect(parseThreshold("rps>100")).toMatchObject({ kind: "throughput", operator: ">", limit: 100 });
  });

  it("rejects unknown metrics and bad syntax with a USAGE error naming the expression and the metrics", () => {
    for (const bad of ["p97x<1", "latency<200ms", "p95 200ms", "p95<abc", "errors<5ms", "p95<5%", "", "rps>10ms"]) {
      let caught: unknown;
      try {
        parseThreshold(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(PerfError);
      const e = caught as PerfError;
      expect(e.code).toBe("USAGE");
      expect(e.message).toContain(`"${bad}"`);
      expect(e.hint).toContain("p99.9");
      expect(e.hint).toContain("rps");
    }
  });
});

describe("evaluateThresholds", () => {
  const result = buildLoadResult({
    completed: 2000,
    durationMs: 10_000,
    errors: { timeout: 30 },
    latency: { p50: 40, p95: 180, p99: 350, max: 1500, mean: 60 },
    latencyUncorrected: { p50: 5, p95: 9, p99: 12 },
  });

  it("compares the corrected latency, the error rate, the count and the throughput", () => {
    const out = evaluateThresholds(result, ["p95<200ms", "p99<0.3s", "errors<1%", "errors<=30", "rps>150", "max<2s", "mean>=60"]);
    expect(out.map((t) => [t.expression, t.ok])).toEqual([
      ["p95<200ms", true],
      ["p99<0.3s", false],
      ["errors<1%", false], // 30 / 2000 = 1.5%
      ["errors<=30", true],
      ["rps>150", true], // 2000 in 10 s = 200 req/s
      ["max<2s", true],
      ["mean>=60", true],
    ]);
    expect(out[1]!.actual).toBe(350);
    expect(out[2]!.actual).toBeCloseTo(0.015, 6);
    expect(out[2]!.limit).toBeCloseTo(0.01, 6);
  });

  it("fails a latency threshold when nothing completed, rather than passing it", () => {
    const empty = buildLoadResult({ completed: 0, latency: { count: 0 } });
    const [t] = evaluateThresholds(empty, ["p95<200ms"]);
    expect(t!.actual).toBeNull();
    expect(t!.ok).toBe(false);
  });

  it("parses all expressions before judging, so a typo is reported", () => {
    expect(() => evaluateThresholds(result, ["p95<200ms", "p95<<1"])).toThrow(/p95<<1/);
  });
});
