import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { findElements, parseXmlStrict } from "../flamegraph/test-helpers/xml-strict.js";
import type { BreakingPointResult } from "../load/analyze/breaking-point.js";
import { analyzeLoadResult } from "../load/analyze/findings.js";
import { buildLoadResult } from "../load/analyze/test-helpers/load-result.js";
import type { TimelinePoint } from "../load/model.js";
import { decodeLatencyBuckets } from "./load-format.js";
import { renderBreakingPointSummary, renderBreakingPointTerminal, renderLoadHtml, renderLoadMarkdown, renderLoadSummary, renderLoadTerminal } from "./load-report.js";

const open = { kind: "open" as const, rate: 500, arrival: "constant" as const, connections: 50 };

/** A histogram (µs) with `fast` requests near 1 ms and `slow` near 100 ms. */
function bimodalHistogram(fast: number, slow: number): string {
  const h = build({ useWebAssembly: false });
  for (let i = 0; i < fast; i++) h.recordValue(900 + (i % 200));
  for (let i = 0; i < slow; i++) h.recordValue(95_000 + (i % 10_000));
  const encoded = encodeIntoCompressedBase64(h);
  h.destroy();
  return encoded;
}

function stalledRun() {
  const timeline: TimelinePoint[] = [0, 1, 2, 3].map((s) => ({ second: s, completed: 500 - s * 10, errors: s, p50: 1 + s, p95: 2 + s, p99: s === 2 ? null : 900, max: 1000 }));
  return {
    ...buildLoadResult({
      model: open,
      target: "http://127.0.0.1:9/<script>alert(1)</script>?a=1&b=2",
      errors: { timeout: 7, reset: 3 },
      statusCodes: { "200": 990, "503": 10 },
      latency: { p50: 1.5, p99: 900 },
      latencyUncorrected: { p50: 1.4, p99: 7 },
      lateSends: 321,
      droppedSends: 4,
      timeline,
      generator: { saturated: true, cpu: 0.98, eventLoopLagP99Ms: 70, reason: "event loop lag 70 ms" },
      thresholds: [
        { expression: "p95<200ms", metric: "p95", limit: 200, actual: 120, ok: true },
        { expression: "errors<0.5%", metric: "error_rate", limit: 0.005, actual: 0.01, ok: false },
      ],
    }),
    histogram: bimodalHistogram(900, 100),
  };
}

describe("latency distribution", () => {
  it("puts the counts of the histogram into log-spaced buckets", () => {
    const buckets = decodeLatencyBuckets(bimodalHistogram(900, 100))!;
    expect(buckets.reduce((a, b) => a + b.count, 0)).toBe(1000);
    const slowBucket = buckets.filter((b) => b.toMs > 90);
    expect(slowBucket.reduce((a, b) => a + b.count, 0)).toBe(100);
    expect(buckets[0]!.count).toBe(900);
    expect(decodeLatencyBuckets("not base64!")).toBeNull();
  });
});

describe("renderLoadTerminal", () => {
  it("shows the model, both latency views, errors, sends, the generator warning, thresholds and files", () => {
    const r = stalledRun();
    const text = renderLoadTerminal(r, { files: { json: "/tmp/run/load.json" }, findings: analyzeLoadResult(r) });
    expect(text).toContain("open model, 500 req/s constant arrivals, 50 connections");
    expect(text).toMatch(/corrected\s+1\.50 ms/);
    expect(text).toMatch(/from send time\s+1\.40 ms/);
    expect(text).toContain("Errors by kind: HTTP 503 10 · timeout 7 · reset 3");
    expect(text).toContain("503 ×10");
    expect(text).toContain("321 late");
    expect(text).toContain("4 dropped");
    expect(text).toMatch(/⚠ Load generator saturated .*not the server/);
    expect(text).toMatch(/✓ p95<200ms\s+actual 120 ms/);
    expect(text).toMatch(/✗ errors<0\.5%\s+actual 1\.00%/);
    expect(text).toContain("/tmp/run/load.json");
    expect(text).toContain("the server stalls and requests queue behind it");
  });

  it("draws the distribution from the histogram: 90% and 10% bars", () => {
    const text = renderLoadTerminal(stalledRun());
    expect(text).toMatch(/│█{40}\s+90\.0%/);
    expect(text).toMatch(/│█{4} +10\.0%/);
  });

  it("shows one latency row and no send counts in the closed model", () => {
    const text = renderLoadTerminal(buildLoadResult({ latency: { p50: 3, p99: 9 } }));
    expect(text).toContain("closed model, 10 connections");
    expect(text).not.toContain("from send time");
    expect(text).not.toContain("late");
    expect(text).not.toContain("Errors by kind");
  });
});

describe("summaries and markdown", () => {
  it("keeps the MCP summary within 2 KB even with a huge threshold list", () => {
    const r = stalledRun();
    r.thresholds = Array.from({ length: 200 }, (_, i) => ({ expression: `p99<${i}ms`, metric: "p99", limit: i, actual: 900, ok: false }));
    const s = renderLoadSummary(r, analyzeLoadResult(r));
    expect(Buffer.byteLength(s, "utf8")).toBeLessThanOrEqual(2048);
    expect(s).toContain("Throughput");
    expect(s).toContain("WARNING");
  });

  it("escapes markdown in the target", () => {
    const md = renderLoadMarkdown(stalledRun());
    expect(md).toContain("\\<script\\>");
    expect(md).toContain("| corrected | 1.50 ms");
    expect(md).toContain("✗ fail");
  });
});

describe("renderLoadHtml", () => {
  it("is self-contained, escapes the target, and charts every second", () => {
    const html = renderLoadHtml(stalledRun());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;?a=1&amp;b=2");
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    const throughput = parseXmlStrict(svgs[0]!);
    const lines = findElements(throughput, "polyline");
    expect(lines[0]!.attrs.points!.split(" ")).toHaveLength(4);
    // The p99 line breaks at the second with no value: two points + one point (a dot).
    const latency = parseXmlStrict(svgs[1]!);
    expect(findElements(latency, "polyline").length).toBe(3); // p50, p95, p99 before the gap
    expect(findElements(latency, "circle")).toHaveLength(1);
  });

  it("says when there is no timeline", () => {
    expect(renderLoadHtml(buildLoadResult())).toContain("No per-second timeline");
  });
});

describe("breaking-point reports", () => {
  const bp: BreakingPointResult = {
    breakingLevel: 16,
    lastGoodLevel: 8,
    reason: "throughput stops rising: 400 → 401 req/s",
    levels: [
      { level: 8, throughput: 400, p50: 20, p95: 21, p99: 22, errorRate: 0, verdict: "ok", reasons: [] },
      { level: 16, throughput: 401, p50: 40, p95: 42, p99: 44, errorRate: 0, verdict: "degraded", reasons: ["throughput stops rising: 400 → 401 req/s"] },
    ],
    evidence: [],
    stopped: null,
  };
  it("names the breaking level, the last good one and why", () => {
    const t = renderBreakingPointTerminal(bp);
    expect(t).toContain("Breaking point: level 16 (last good level 8)");
    expect(t).toMatch(/16\s+401\s+40\.0 ms\s+42\.0 ms\s+44\.0 ms\s+0\.0%\s+DEGRADED/);
    expect(t).toContain("why: throughput stops rising");
    const s = renderBreakingPointSummary(bp);
    expect(s.split("\n")[0]).toBe("Breaking point: level 16 (last good level 8)");
    expect(s).toContain("level 8: 400 req/s, p95 21.0 ms");
  });
});
