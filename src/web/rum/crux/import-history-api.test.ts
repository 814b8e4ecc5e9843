import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importFromCruxHistoryApi } from "./import-history-api.js";
import { thrownPerfError } from "../../../test-helpers/thrown-perf-error.js";

type HistoryJson = { record: { metrics: Record<string, { histogramTimeseries: Array<{ densities: unknown[] }>; percentilesTimeseries: { p75s: unknown[] } }> } };
const load = (): HistoryJson => JSON.parse(readFileSync(new URL("./fixtures/crux-history-origin-phone.json", import.meta.url), "utf8")) as HistoryJson;

describe("importFromCruxHistoryApi", () => {
  it("reads six weekly periods with the latest as headline", () => {
    const data = importFromCruxHistoryApi(load(), { file: "h.json" })!;
    expect(data.source).toBe("crux-history-api");
    const rec = data.records[0]!;
    expect(rec.key).toEqual({ origin: "https://shop.example.com", formFactor: "PHONE" });
    expect(rec.periods).toHaveLength(6);
    expect(rec.periods![0]).toEqual({ firstDate: "2024-04-14", lastDate: "2024-05-11" });
    expect(rec.period).toEqual({ firstDate: "2024-05-19", lastDate: "2024-06-15" });
    const lcp = rec.metrics.find((m) => m.metric === "LCP")!;
    expect(lcp.p75).toBe(2733);
    expect(lcp.shares!.good).toBeCloseTo(0.7204, 6);
    expect(lcp.shares!.poor).toBeCloseTo(0.103, 6);
    expect(lcp.series!.map((p) => p.p75)).toEqual([3012, 2975, 2940, 2871, 2790, 2733]);
    expect(lcp.series![0]!.shares!.needsImprovement).toBeCloseTo(0.195, 6);
    expect(lcp.series![3]!.period).toEqual({ firstDate: "2024-05-05", lastDate: "2024-06-01" });
    expect(rec.extraMetrics).toEqual(["navigation_types"]);
  });

  it("turns string CLS p75s into numbers", () => {
    const cls = importFromCruxHistoryApi(load())!.records[0]!.metrics.find((m) => m.metric === "CLS")!;
    expect(cls.series!.map((p) => p.p75)).toEqual([0.09, 0.09, 0.08, 0.08, 0.08, 0.07]);
    expect(cls.shares!.good).toBeCloseTo(0.7811, 6);
  });

  it("marks an ineligible period (NaN densities, null p75) as without data", () => {
    const inp = importFromCruxHistoryApi(load())!.records[0]!.metrics.find((m) => m.metric === "INP")!;
    expect(inp.series![0]).toEqual({ period: { firstDate: "2024-04-14", lastDate: "2024-05-11" }, p75: null, p75Estimated: false, shares: null });
    expect(inp.series![1]!.p75).toBe(192);
    expect(inp.p75).toBe(175);
  });

  it("falls back to the latest period with data for the headline", () => {
    const json = load();
    const inp = json.record.metrics.interaction_to_next_paint!;
    for (const bin of inp.histogramTimeseries) bin.densities[5] = "NaN";
    inp.percentilesTimeseries.p75s[5] = null;
    const m = importFromCruxHistoryApi(json)!.records[0]!.metrics.find((x) => x.metric === "INP")!;
    expect(m.p75).toBe(179);
    expect(m.period).toEqual({ firstDate: "2024-05-12", lastDate: "2024-06-08" });
    expect(m.shares!.good).toBeCloseTo(0.8188, 6);
  });

  it("reports a series whose length does not match the periods", () => {
    const json = load();
    json.record.metrics.largest_contentful_paint!.percentilesTimeseries.p75s.pop();
    const e = thrownPerfError(() => importFromCruxHistoryApi(json, { file: "short.json" }));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.message).toContain("record.metrics.largest_contentful_paint.percentilesTimeseries.p75s has 5 entries but record.collectionPeriods has 6");
    expect(e.where).toEqual({ file: "short.json" });
  });

  it("reports a missing p75 series and a wrongly typed density", () => {
    const a = load();
    delete (a.record.metrics.cumulative_layout_shift as { percentilesTimeseries?: unknown }).percentilesTimeseries;
    expect(thrownPerfError(() => importFromCruxHistoryApi(a)).message).toContain("record.metrics.cumulative_layout_shift.percentilesTimeseries missing");
    const b = load();
    b.record.metrics.largest_contentful_paint!.histogramTimeseries[2]!.densities[1] = true;
    expect(thrownPerfError(() => importFromCruxHistoryApi(b)).message).toContain('record.metrics.largest_contentful_paint.histogramTimeseries[2].densities[1]: expected a number or "NaN", got true');
  });

  it("returns null for a daily CrUX API answer and other JSON", () => {
    const daily = JSON.parse(readFileSync(new URL("./fixtures/crux-api-origin-phone.json", import.meta.url), "utf8")) as unknown;
    expect(importFromCruxHistoryApi(daily)).toBeNull();
    expect(importFromCruxHistoryApi({ nodes: [] })).toBeNull();
  });
});
