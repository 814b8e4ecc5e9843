import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importFromCruxApi } from "./import-api.js";
import { thrownPerfError } from "../../../test-helpers/thrown-perf-error.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as Record<string, unknown>;
const metric = (data: ReturnType<typeof importFromCruxApi>, name: string) => data!.records[0]!.metrics.find((m) => m.metric === name);

describe("importFromCruxApi", () => {
  it("reads an origin/phone answer: key, period, p75s and the three bands", () => {
    const data = importFromCruxApi(load("crux-api-origin-phone.json"), { file: "a.json" });
    expect(data).not.toBeNull();
    expect(data!.source).toBe("crux-api");
    expect(data!.version).toBe(1);
    const rec = data!.records[0]!;
    expect(rec.key).toEqual({ origin: "https://shop.example.com", formFactor: "PHONE" });
    expect(rec.period).toEqual({ firstDate: "2024-05-27", lastDate: "2024-06-23" });
    expect(rec.metrics.map((m) => m.metric).sort()).toEqual(["CLS", "FCP", "INP", "LCP", "TTFB"]);
    const lcp = metric(data, "LCP")!;
    expect(lcp.p75).toBe(2870);
    expect(lcp.p75Estimated).toBe(false);
    expect(lcp.shares!.good).toBeCloseTo(0.7012, 6);
    expect(lcp.shares!.needsImprovement).toBeCloseTo(0.1843, 6);
    expect(lcp.shares!.poor).toBeCloseTo(0.1145, 6);
    expect(metric(data, "INP")!.p75).toBe(183);
    expect(metric(data, "FCP")!.shares!.good).toBeCloseTo(0.642, 6);
    const ttfb = metric(data, "TTFB")!;
    expect(ttfb.sourceName).toBe("experimental_time_to_first_byte");
    expect(ttfb.p75).toBe(1190);
    expect(ttfb.shares!.poor).toBeCloseTo(0.1181, 6);
    expect(rec.extraMetrics.sort()).toEqual(["navigation_types", "round_trip_time"]);
  });

  it("parses CLS given as strings", () => {
    const cls = metric(importFromCruxApi(load("crux-api-origin-phone.json")), "CLS")!;
    expect(cls.p75).toBe(0.08);
    expect(cls.shares!.good).toBeCloseTo(0.7735, 6);
    expect(cls.shares!.needsImprovement).toBeCloseTo(0.138, 6);
    expect(cls.shares!.poor).toBeCloseTo(0.0885, 6);
  });

  it("keeps a url key with connection type, experimental INP and FID as retired", () => {
    const data = importFromCruxApi(load("crux-api-url-desktop-fid.json"));
    const rec = data!.records[0]!;
    expect(rec.key).toEqual({ url: "https://shop.example.com/products/", formFactor: "DESKTOP", effectiveConnectionType: "4G" });
    const fid = metric(data, "FID")!;
    expect(fid.retired).toBe(true);
    expect(fid.p75).toBe(6);
    expect(fid.shares!.good).toBeCloseTo(0.9811, 6);
    const inp = metric(data, "INP")!;
    expect(inp.sourceName).toBe("experimental_interaction_to_next_paint");
    expect(inp.p75).toBe(97);
    expect(metric(data, "LCP")!.retired).toBe(false);
  });

  it("prefers the final INP name when the experimental one is there too", () => {
    const json = load("crux-api-origin-phone.json") as { record: { metrics: Record<string, unknown> } };
    json.record.metrics.experimental_interaction_to_next_paint = { histogram: [{ start: 0, end: 200, density: 1 }], percentiles: { p75: 999 } };
    const data = importFromCruxApi(json);
    expect(metric(data, "INP")!.p75).toBe(183);
    expect(data!.records[0]!.extraMetrics).toContain("experimental_interaction_to_next_paint");
  });

  it("says which path is missing when p75 is gone", () => {
    const json = load("crux-api-origin-phone.json") as { record: { metrics: { largest_contentful_paint: { percentiles: Record<string, unknown> } } } };
    delete json.record.metrics.largest_contentful_paint.percentiles.p75;
    const e = thrownPerfError(() => importFromCruxApi(json, { file: "lcp.json" }));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.message).toContain("record.metrics.largest_contentful_paint.percentiles.p75 missing");
    expect(e.where).toEqual({ file: "lcp.json" });
    expect(e.hint).toContain("queryRecord");
  });

  it("names the wrong type and where it is", () => {
    const json = load("crux-api-origin-phone.json") as { record: { metrics: { first_contentful_paint: { histogram: Array<Record<string, unknown>> } } } };
    json.record.metrics.first_contentful_paint.histogram[1]!.density = "lots";
    const e = thrownPerfError(() => importFromCruxApi(json, { file: "fcp.json" }));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.message).toContain('record.metrics.first_contentful_paint.histogram[1].density: expected a number, got "lots"');
  });

  it("rejects a key with neither origin nor url", () => {
    const json = load("crux-api-origin-phone.json") as { record: { key: Record<string, unknown> } };
    delete json.record.key.origin;
    expect(thrownPerfError(() => importFromCruxApi(json)).message).toContain("record.key: needs `origin` or `url`");
  });

  it("returns null for other shapes, including History API answers", () => {
    expect(importFromCruxApi(load("crux-history-origin-phone.json"))).toBeNull();
    expect(importFromCruxApi(load("not-crux.cpuprofile"))).toBeNull();
    expect(importFromCruxApi([1, 2])).toBeNull();
    expect(importFromCruxApi("text")).toBeNull();
  });
});
