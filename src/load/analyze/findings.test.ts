import { describe, expect, it } from "vitest";
import type { Finding } from "../../core/finding.js";
import { analyzeLoadResult } from "./findings.js";
import { buildLoadResult } from "./test-helpers/load-result.js";

const ids = (fs: Finding[]) => fs.map((f) => f.id);
const find = (fs: Finding[], id: string) => {
  const f = fs.find((x) => x.id === id);
  if (!f || f.status !== "ok") throw new Error(`no finding ${id} in ${ids(fs).join(",")}`);
  return f;
};

describe("analyzeLoadResult", () => {
  it("finds nothing in a clean, fast run", () => {
    expect(analyzeLoadResult(buildLoadResult({ latency: { p50: 2, p99: 6 } }))).toEqual([]);
  });

  it("reports errors by kind, the biggest kind first, with a severity from the rate", () => {
    const fs = analyzeLoadResult(buildLoadResult({ completed: 1000, errors: { reset: 12, refused: 40 }, statusCodes: { "200": 948 } }));
    const f = find(fs, "load-errors");
    expect(f.metric.value).toBeCloseTo(52 / 1000, 6);
    expect(f.severity).toBe("high");
    expect(f.title).toMatch(/40 refused, 12 reset/);
    expect(f.suggestion).toContain("refused");
  });

  it("counts HTTP 4xx/5xx responses as errors by status, as the engine does", () => {
    const r = buildLoadResult({ completed: 1000, statusCodes: { "200": 900, "503": 80, "404": 20 } });
    r.requests.errors = 100;
    r.requests.ok = 900;
    const f = find(analyzeLoadResult(r), "load-errors");
    expect(f.title).toBe("10.00% of requests failed (80 HTTP 503, 20 HTTP 404)");
    expect(f.severity).toBe("critical");
    expect(f.suggestion).toMatch(/HTTP 503 .*overloaded/);
  });

  it("flags a tail when p99 is many times p50, not when it is close", () => {
    expect(ids(analyzeLoadResult(buildLoadResult({ latency: { p50: 5, p99: 12 } })))).not.toContain("tail-latency");
    const f = find(analyzeLoadResult(buildLoadResult({ latency: { p50: 5, p99: 400 } })), "tail-latency");
    expect(f.metric.value).toBeCloseTo(80, 6);
    expect(f.severity).toBe("high");
  });

  it("flags coordinated omission only in the open model, when corrected p99 far exceeds the uncorrected", () => {
    const open = { kind: "open" as const, rate: 500, arrival: "constant" as const, connections: 50 };
    const stalls = buildLoadResult({ model: open, latency: { p50: 2, p99: 900 }, latencyUncorrected: { p50: 2, p99: 8 }, lateSends: 480 });
    const f = find(analyzeLoadResult(stalls), "coordinated-omission");
    expect(f.metric.value).toBeCloseTo(900 / 8, 6);
    expect(f.evidence.metrics).toContainEqual({ name: "late sends", value: 480, unit: "requests" });
    const closed = buildLoadResult({ latency: { p50: 2, p99: 900 }, latencyUncorrected: { p50: 2, p99: 8 } });
    expect(ids(analyzeLoadResult(closed))).not.toContain("coordinated-omission");
    const honest = buildLoadResult({ model: open, latency: { p50: 2, p99: 9 }, latencyUncorrected: { p50: 2, p99: 8 } });
    expect(ids(analyzeLoadResult(honest))).not.toContain("coordinated-omission");
  });

  it("warns first when the generator saturated, and lists failed thresholds", () => {
    const r = buildLoadResult({
      errors: { timeout: 1 },
      generator: { saturated: true, cpu: 0.97, eventLoopLagP99Ms: 85, reason: "worker event loop lagged 85 ms" },
      thresholds: [
        { expression: "p95<10ms", metric: "p95", limit: 10, actual: 25, ok: false },
        { expression: "errors<1%", metric: "error_rate", limit: 0.01, actual: 0.001, ok: true },
      ],
    });
    const fs = analyzeLoadResult(r);
    expect(fs[0]!.id).toBe("generator-saturated");
    expect(find(fs, "generator-saturated").evidence.notes).toEqual(["worker event loop lagged 85 ms"]);
    const t = find(fs, "thresholds-failed");
    expect(t.title).toContain("1 of 2");
    expect(t.evidence.metrics).toEqual([{ name: "p95<10ms", value: 25, unit: "ms" }]);
  });
});
