import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { compareWithCrux, type FieldSummary } from "./compare.js";
import { detectAndImportCrux } from "./detect.js";
import { renderCruxComparison } from "./render.js";

const load = (name: string) => detectAndImportCrux(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)), name);
const api = load("crux-api-origin-phone.json");

// Own RUM numbers chosen so every relation shows up against the CrUX API fixture
// (LCP 2870 ms, INP 183 ms, CLS 0.08, FCP 2140 ms, TTFB 1190 ms).
const own: FieldSummary[] = [
  { metric: "LCP", count: 1204, p75: 3875, good: 0.55, needsImprovement: 0.3, poor: 0.15 },
  { metric: "INP", count: 800, p75: 150, good: 0.88, needsImprovement: 0.09, poor: 0.03 },
  { metric: "CLS", count: 1100, p75: 0.12, good: 660, needsImprovement: 330, poor: 110 },
  { metric: "FCP", count: 1204, p75: 2180, good: 0.63, needsImprovement: 0.25, poor: 0.12 },
  { metric: "FID", count: 40, p75: 12, good: 1, needsImprovement: 0, poor: 0 },
];

describe("compareWithCrux", () => {
  const result = compareWithCrux(own, api);
  const by = (m: string) => result.metrics.find((x) => x.metric === m)!;

  it("computes ratio, difference, ratings and good-share difference", () => {
    const lcp = by("LCP");
    expect(lcp.status).toBe("compared");
    expect(lcp.p75Ratio).toBeCloseTo(3875 / 2870, 9);
    expect(lcp.p75Difference).toBe(1005);
    expect(lcp.own!.rating).toBe("needs-improvement");
    expect(lcp.crux!.rating).toBe("needs-improvement");
    expect(lcp.goodShareDifference).toBeCloseTo(0.55 - 0.7012, 9);
    expect(lcp.sentence).toBe("your LCP p75 3.9 s is 35% slower than CrUX's 2.9 s for this origin (phone)");
    const inp = by("INP");
    expect(inp.p75Ratio).toBeCloseTo(150 / 183, 9);
    expect(inp.sentence).toBe("your INP p75 150 ms is 18% faster than CrUX's 183 ms for this origin (phone)");
  });

  it("rates CLS across the threshold and normalises counts to shares", () => {
    const cls = by("CLS");
    expect(cls.own!.rating).toBe("needs-improvement");
    expect(cls.crux!.rating).toBe("good");
    expect(cls.own!.good).toBeCloseTo(0.6, 9);
    expect(cls.goodShareDifference).toBeCloseTo(0.6 - 0.7735, 9);
    expect(cls.sentence).toBe("your CLS p75 0.12 is 50% higher than CrUX's 0.08 for this origin (phone)");
    expect(by("FCP").sentence).toContain("on par with CrUX's 2.1 s");
  });

  it("lists metrics missing on either side", () => {
    expect(result.cruxOnly).toEqual(["TTFB"]);
    expect(result.ownOnly).toEqual(["FID"]);
    expect(by("TTFB").sentence).toBe("TTFB: CrUX has p75 1.2 s for this origin (phone); your RUM has none");
    expect(by("FID").sentence).toBe("FID: your p75 is 12 ms; CrUX has no FID data for this origin (phone)");
    expect(by("FID").retired).toBe(true);
  });

  it("picks a record by form factor when the data has several", () => {
    const ds = load("bigquery-device-summary.ndjson");
    expect(() => compareWithCrux(own, ds)).toThrow(PerfError);
    const desktop = compareWithCrux(own, ds, { formFactor: "DESKTOP" });
    expect(desktop.key.formFactor).toBe("DESKTOP");
    expect(desktop.metrics.find((m) => m.metric === "LCP")!.p75Ratio).toBeCloseTo(3875 / 1900, 9);
    expect(desktop.metrics.find((m) => m.metric === "FID")!.status).toBe("compared");
    expect(() => compareWithCrux(own, ds, { formFactor: "TABLET" })).toThrow(/No CrUX record matches/);
  });

  it("marks estimated CrUX p75s and handles a zero CrUX p75", () => {
    const raw = compareWithCrux(own, load("bigquery-all-202406-phone.json"));
    expect(raw.metrics.find((m) => m.metric === "LCP")!.sentence).toContain("CrUX's ~2.8 s");
    const record = { ...api.records[0]!, metrics: api.records[0]!.metrics.map((m) => (m.metric === "CLS" ? { ...m, p75: 0 } : m)) };
    const cls = compareWithCrux(own, record).metrics.find((m) => m.metric === "CLS")!;
    expect(cls.p75Ratio).toBeNull();
    expect(cls.p75Difference).toBeCloseTo(0.12, 9);
    expect(cls.sentence).toBe("your CLS p75 0.12 vs CrUX's 0.00 for this origin (phone)");
  });

  it("rejects a malformed summary", () => {
    const bad = [{ metric: "LCP", count: 1, p75: Number.NaN, good: 1, needsImprovement: 0, poor: 0 }] as FieldSummary[];
    expect(() => compareWithCrux(bad, api)).toThrow(/p75/);
    expect(() => compareWithCrux([own[0]!, own[0]!], api)).toThrow(/twice/);
  });
});

describe("renderCruxComparison", () => {
  it("renders a header, one table row per metric and the sentences", () => {
    const text = renderCruxComparison(compareWithCrux(own, api));
    const lines = text.split("\n");
    expect(lines[0]).toBe("Your RUM vs CrUX API field data: https://shop.example.com · phone · 2024-05-27 – 2024-06-23");
    const lcpRow = lines.find((l) => l.startsWith("LCP "))!;
    expect(lcpRow.split(/\s{2,}/)).toEqual(["LCP", "3.9 s (n=1204)", "2.9 s", "1.35×", "needs-improvement", "needs-improvement", "55% / 70%", "-15 pts"]);
    const ttfbRow = lines.find((l) => l.startsWith("TTFB"))!;
    expect(ttfbRow.split(/\s{2,}/)).toEqual(["TTFB", "—", "1.2 s", "—", "—", "needs-improvement", "— / 55%", "—"]);
    expect(lines.find((l) => l.startsWith("FID"))).toContain("FID (retired)");
    expect(text).toContain("- your LCP p75 3.9 s is 35% slower than CrUX's 2.9 s for this origin (phone)");
    expect(text).not.toContain("interpolated");
  });

  it("notes interpolated p75s", () => {
    const text = renderCruxComparison(compareWithCrux(own, load("bigquery-all-202406-phone.json")));
    expect(text).toContain("~2.8 s");
    expect(text).toContain("interpolated from histogram bins");
  });
});
