import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateRumValue, type RumEvent, type RumMetric } from "./model.js";
import { openRumStore } from "./open-rum-store.js";
import { getRumData } from "./rum-data.js";

/** Deterministic log-normal values (Box–Muller on a small LCG), like real field data. */
function* logNormal(seed: number, median: number, sigma: number): Generator<number> {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  for (;;) yield median * Math.exp(sigma * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

/** The brief's "quantiles(n=4)[2]": the exclusive-method third quartile. */
function thirdQuartile(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = 0.75 * (sorted.length + 1) - 1;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!);
}

// The brief's fourth example, written for the real API: 24 h of Core Web Vitals, p75 computed
// locally from the page views as the brief does, and scored against the thresholds.
describe("the brief's Core Web Vitals example", () => {
  let cwd: string;
  const views = 4000;
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), "perfscope-rum-brief-"));
    const store = await openRumStore(undefined, { cwd });
    const lcp = logNormal(7, 2300, 0.5);
    const inp = logNormal(11, 150, 0.6);
    const cls = logNormal(13, 0.05, 0.9);
    const events: RumEvent[] = [];
    const now = Date.now() - 60_000;
    for (let i = 0; i < views; i++) {
      const base = { ts: now - i * 15_000, pageId: `pv-${i}`, route: `/page/${i % 20}`, url: `https://a.example/page/${i % 20}`, device: "mobile", connection: "4g", navigationType: "navigate" } as const;
      const add = (metric: RumMetric, value: number) => events.push({ ...base, metric, value, rating: rateRumValue(metric, value) });
      add("LCP", lcp.next().value);
      add("INP", inp.next().value);
      add("CLS", cls.next().value);
    }
    await store.insertEvents(events);
    await store.close();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("runs as the brief wrote it, and the local p75s agree with perfscope's histogram p75s", async () => {
    const rum_data = await getRumData({ metric: "core_web_vitals", timeRange: "24h", sampleSize: 10000, store: join(cwd, ".perfscope/rum.sqlite") });
    const entries = rum_data.samples ?? [];
    expect(entries.length).toBe(views);
    const lcp_values = entries.map((entry) => entry.lcp!);
    const inp_values = entries.map((entry) => entry.inp!);
    const cls_values = entries.map((entry) => entry.cls!);
    const lcp_p75 = thirdQuartile(lcp_values);
    const inp_p75 = thirdQuartile(inp_values);
    const cls_p75 = thirdQuartile(cls_values);
    const scores = {
      LCP: lcp_p75 <= 2500 ? "good" : lcp_p75 <= 4000 ? "needs-improvement" : "poor",
      INP: inp_p75 <= 200 ? "good" : inp_p75 <= 500 ? "needs-improvement" : "poor",
      CLS: cls_p75 <= 0.1 ? "good" : cls_p75 <= 0.25 ? "needs-improvement" : "poor",
    };
    // log-normal(2300, 0.5): p75 ≈ 2300·e^(0.674·0.5) ≈ 3220 ms → needs improvement; INP ≈ 225 ms; CLS ≈ 0.092.
    expect(scores).toEqual({ LCP: "needs-improvement", INP: "needs-improvement", CLS: "good" });
    // perfscope's own answer, from merged histograms, matches the exact local one within 2%.
    expect(Math.abs(rum_data.metrics.LCP!.p75! / lcp_p75 - 1)).toBeLessThan(0.02);
    expect(Math.abs(rum_data.metrics.INP!.p75! / inp_p75 - 1)).toBeLessThan(0.02);
    expect(Math.abs(rum_data.metrics.CLS!.p75! / cls_p75 - 1)).toBeLessThan(0.02);
    expect(rum_data.metrics.LCP!.rating).toBe(scores.LCP);
    expect(rum_data.metrics.CLS!.rating).toBe(scores.CLS);
  });
});
