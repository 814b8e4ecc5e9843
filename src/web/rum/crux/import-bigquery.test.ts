import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importFromCruxBigQuery } from "./import-bigquery.js";
import type { CruxFieldData } from "./model.js";
import { thrownPerfError } from "../../../test-helpers/thrown-perf-error.js";

const text = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const rawRows = (): Array<Record<string, unknown>> => JSON.parse(text("bigquery-all-202406-phone.json")) as Array<Record<string, unknown>>;
const ndjsonRows = (): Array<Record<string, unknown>> => text("bigquery-device-summary.ndjson").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
const metricOf = (data: CruxFieldData | null, name: string, record = 0) => data!.records[record]!.metrics.find((m) => m.metric === name);

describe("importFromCruxBigQuery: raw monthly tables", () => {
  it("merges the 4G and 3G phone rows and derives shares and p75 from the bins", () => {
    const data = importFromCruxBigQuery(rawRows(), { file: "raw.json" });
    expect(data!.source).toBe("bigquery");
    expect(data!.records).toHaveLength(1);
    const rec = data!.records[0]!;
    expect(rec.key).toEqual({ origin: "https://shop.example.com", formFactor: "PHONE" });
    expect(rec.period).toEqual({ firstDate: "2024-06-01", lastDate: "2024-06-30" });
    // Merged LCP densities 0.085, 0.195, 0.115 | 0.08, 0.075 | 0.05 out of 0.6.
    const lcp = metricOf(data, "LCP")!;
    expect(lcp.shares!.good).toBeCloseTo(0.395 / 0.6, 9);
    expect(lcp.shares!.needsImprovement).toBeCloseTo(0.155 / 0.6, 9);
    expect(lcp.shares!.poor).toBeCloseTo(0.05 / 0.6, 9);
    // 75% of 0.6 = 0.45; 0.395 lies below 2500, the 2500–3000 bin holds 0.08: 2500 + 500 × 0.055/0.08.
    expect(lcp.p75).toBeCloseTo(2843.75, 6);
    expect(lcp.p75Estimated).toBe(true);
    const cls = metricOf(data, "CLS")!;
    expect(cls.sourceName).toBe("layout_instability.cumulative_layout_shift");
    expect(cls.shares!.good).toBeCloseTo(0.47 / 0.6, 9);
    expect(cls.shares!.poor).toBeCloseTo(0.04 / 0.6, 9);
    expect(cls.p75).toBeCloseTo(0.05 + 0.05 * (0.1 / 0.12), 9);
    expect(metricOf(data, "INP")!.p75).toBeCloseTo(100 + 100 * (0.16 / 0.18), 6);
    expect(metricOf(data, "FCP")!.p75).toBeCloseTo(1800 + 1200 * (0.05 / 0.13), 6);
    const ttfb = metricOf(data, "TTFB")!;
    expect(ttfb.sourceName).toBe("experimental.time_to_first_byte");
    expect(ttfb.shares!.good).toBeCloseTo(0.35 / 0.6, 9);
    expect(ttfb.p75).toBeCloseTo(800 + 1000 * (0.1 / 0.18), 6);
    const fid = metricOf(data, "FID")!;
    expect(fid.retired).toBe(true);
    expect(fid.p75).toBeCloseTo(100 * (0.45 / 0.53), 6);
    expect(rec.extraMetrics).toEqual(["first_paint"]);
    expect(data!.notes.join(" ")).toContain("merged connection types 4G, 3G");
  });

  it("keeps the connection type of a single row and uses its own total", () => {
    const data = importFromCruxBigQuery([rawRows()[0]]);
    expect(data!.records[0]!.key.effectiveConnectionType).toBe("4G");
    const lcp = metricOf(data, "LCP")!;
    expect(lcp.shares!.good).toBeCloseTo(0.36 / 0.5, 9);
    expect(lcp.p75).toBeCloseTo(2500 + 500 * (0.015 / 0.06), 6);
  });

  it("names the broken bin of a raw row", () => {
    const rows = rawRows();
    const lcp = rows[1]!.largest_contentful_paint as { histogram: { bin: Array<Record<string, unknown>> } };
    delete lcp.histogram.bin[3]!.density;
    const e = thrownPerfError(() => importFromCruxBigQuery(rows, { file: "raw.json" }));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.message).toContain("rows[1].largest_contentful_paint.histogram.bin[3].density missing");
    expect(e.where).toEqual({ file: "raw.json" });
  });
});

describe("importFromCruxBigQuery: materialized summaries", () => {
  it("reads device_summary NDJSON into one record per device with a monthly series", () => {
    const data = importFromCruxBigQuery(text("bigquery-device-summary.ndjson"), { file: "ds.ndjson" })!;
    expect(data.records.map((r) => r.key.formFactor)).toEqual(["PHONE", "DESKTOP"]);
    const phone = data.records[0]!;
    expect(phone.periods!.map((p) => p.firstDate)).toEqual(["2024-04-01", "2024-05-01", "2024-06-01"]);
    expect(phone.period).toEqual({ firstDate: "2024-06-01", lastDate: "2024-06-30" });
    const lcp = phone.metrics.find((m) => m.metric === "LCP")!;
    expect(lcp.p75).toBe(2900);
    expect(lcp.shares!.good).toBeCloseTo(0.7, 9);
    expect(lcp.series!.map((p) => p.p75)).toEqual([3000, 2950, 2900]);
    expect(lcp.series![0]!.shares!.poor).toBeCloseTo(0.12, 9);
    const cls = phone.metrics.find((m) => m.metric === "CLS")!;
    expect(cls.p75).toBe(0.08);
    expect(cls.shares).toEqual({ good: expect.closeTo(0.77, 9), needsImprovement: expect.closeTo(0.14, 9), poor: expect.closeTo(0.09, 9) });
    expect(phone.metrics.some((m) => m.metric === "FID")).toBe(false);
    expect(phone.extraMetrics).toEqual(["*_fp"]);
    const desktop = data.records[1]!;
    expect(desktop.periods).toBeUndefined();
    expect(desktop.metrics.find((m) => m.metric === "FID")).toMatchObject({ p75: 5, retired: true });
    expect(desktop.metrics.find((m) => m.metric === "INP")!.p75).toBe(60);
  });

  it("normalises shares that add up to a device's slice of the origin", () => {
    const row = { ...ndjsonRows()[0]!, fast_lcp: 0.35, avg_lcp: 0.095, slow_lcp: 0.055 };
    expect(metricOf(importFromCruxBigQuery([row]), "LCP")!.shares!.good).toBeCloseTo(0.7, 9);
  });

  it("reads a REST query answer (schema + f/v rows) and a plain { rows } wrapper", () => {
    const rest = importFromCruxBigQuery(JSON.parse(text("bigquery-metrics-summary-rest.json")))!;
    expect(rest.records[0]!.key).toEqual({ origin: "https://shop.example.com", formFactor: "ALL_FORM_FACTORS" });
    expect(metricOf(rest, "LCP")).toMatchObject({ p75: 2600, shares: { good: expect.closeTo(0.74, 9) } });
    expect(metricOf(rest, "CLS")).toMatchObject({ p75: 0.06, shares: { poor: expect.closeTo(0.08, 9) } });
    expect(metricOf(rest, "INP")!.p75).toBe(160);
    const wrapped = importFromCruxBigQuery({ rows: ndjsonRows() })!;
    expect(wrapped.records.map((r) => r.key.formFactor)).toEqual(["PHONE", "DESKTOP"]);
  });

  it("gives line and byte of a truncated NDJSON line", () => {
    const full = text("bigquery-device-summary.ndjson");
    const lines = full.split("\n");
    const cut = `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 50)}`;
    const e = thrownPerfError(() => importFromCruxBigQuery(cut, { file: "cut.ndjson" }));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.where).toEqual({ file: "cut.ndjson", line: 3, byte: cut.length });
    expect(e.message).toContain("line 3");
    expect(e.hint).toContain("truncated");
  });

  it("says which share column is missing and which cell has the wrong type", () => {
    const rows = ndjsonRows();
    delete rows[1]!.avg_lcp;
    const ndjson = rows.map((r) => JSON.stringify(r)).join("\n");
    const e = thrownPerfError(() => importFromCruxBigQuery(ndjson, { file: "ds.ndjson" }));
    expect(e.message).toContain("line 2: avg_lcp missing");
    expect(e.where).toEqual({ file: "ds.ndjson", line: 2 });
    const bad = ndjsonRows();
    bad[0]!.p75_inp = "fast";
    expect(thrownPerfError(() => importFromCruxBigQuery(bad)).message).toContain('rows[0].p75_inp: expected a number, got "fast"');
  });

  it("asks for the origin column and refuses mixed table families", () => {
    const noOrigin = ndjsonRows();
    delete noOrigin[0]!.origin;
    expect(thrownPerfError(() => importFromCruxBigQuery(noOrigin)).message).toContain("rows[0].origin missing");
    const mixed = [ndjsonRows()[0], rawRows()[0]];
    expect(thrownPerfError(() => importFromCruxBigQuery(mixed)).message).toContain("rows[1] is not a materialized summary row");
  });

  it("refuses REST rows without their schema", () => {
    const rest = JSON.parse(text("bigquery-metrics-summary-rest.json")) as Record<string, unknown>;
    delete rest.schema;
    expect(thrownPerfError(() => importFromCruxBigQuery(rest)).message).toContain("schema.fields");
  });

  it("returns null for rows that are not CrUX rows, and for non-row input", () => {
    expect(importFromCruxBigQuery([{ origin: "https://a.example", visits: "3" }])).toBeNull();
    expect(importFromCruxBigQuery([])).toBeNull();
    expect(importFromCruxBigQuery(JSON.parse(text("not-crux.cpuprofile")))).toBeNull();
    expect(importFromCruxBigQuery(text("crux-api-origin-phone.json"))).toBeNull();
    expect(importFromCruxBigQuery("perf script output\nmain 123 cycles")).toBeNull();
  });
});
