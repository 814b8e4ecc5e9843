/**
 * Reports of one measurement (same page view, same metric) sent twice: the later must replace
 * the earlier everywhere a query looks (percentiles, shares, counts, attribution, samples),
 * whether the earlier was folded into the rollups before the later arrived or both are folded
 * together. Both engines must pass.
 */
import { describe, expect, it } from "vitest";
import type { RumEvent, RumStore } from "../../model.js";
import { getRumData } from "../../query/get-rum-data.js";
import { metricOf, NOW } from "../../query/test-helpers/rum-query-behaviour.js";
import type { RumQuerySource } from "../rum-query-source.js";
import { insertInBatches, makeRumEvent } from "./rum-events.js";
import { exactQuantile } from "./seeded-random.js";

export interface RumDedupEngine {
  name: string;
  open(): Promise<RumStore & RumQuerySource>;
}

const HOUR = 3_600_000;
const PAGES = 120;

/** First report of each view (tab switched away): LCP, a good INP on button#early, a small CLS. */
function firstReports(): RumEvent[] {
  return Array.from({ length: PAGES }, (_, p) => {
    const beacon = { pageId: `view-${p}`, ts: NOW - 2 * HOUR + p * 1000, route: p % 2 ? "/a" : "/b" };
    return [
      makeRumEvent({ ...beacon, metric: "LCP", value: 1500 + p, target: "img.hero" }),
      makeRumEvent({ ...beacon, metric: "INP", value: 100 + p / 2, target: "button#early", attribution: { target: "button#early", inputDelay: 5 } }),
      makeRumEvent({ ...beacon, metric: "CLS", value: 0.01 }),
    ];
  }).flat();
}

/** Later report of every third view (the page left for good, an hour later): INP and CLS grew. */
function laterReports(): RumEvent[] {
  return Array.from({ length: PAGES / 3 }, (_, i) => {
    const p = i * 3;
    const beacon = { pageId: `view-${p}`, ts: NOW - HOUR + p * 1000, route: p % 2 ? "/a" : "/b" };
    return [makeRumEvent({ ...beacon, metric: "INP", value: 600 + p, target: "button#late" }), makeRumEvent({ ...beacon, metric: "CLS", value: 0.3 })];
  }).flat();
}

/** What every query must say once the later reports replaced the earlier ones, computed from the reports themselves. */
async function expectLatestOnly(store: RumQuerySource): Promise<void> {
  const live = new Map<string, RumEvent>();
  for (const e of [...firstReports(), ...laterReports()]) live.set(`${e.pageId}/${e.metric}`, e);
  const values = (metric: string): number[] => [...live.values()].filter((e) => e.metric === metric).map((e) => e.value);
  const inpValues = values("INP");
  const report = await getRumData(store, { metric: ["INP", "CLS", "LCP"], groupBy: "route", sampleSize: PAGES, now: NOW });
  const inp = metricOf(report, "INP");
  expect(inp.count).toBe(PAGES);
  expect(inp.distribution.poor).toBe(inpValues.filter((v) => v > 500).length / PAGES);
  expect(Math.abs((inp.p75 as number) - exactQuantile(inpValues, 0.75))).toBeLessThanOrEqual(exactQuantile(inpValues, 0.75) * 0.02);
  expect(inp.groups?.map((g) => g.count)).toEqual([PAGES / 2, PAGES / 2]);
  expect(inp.topAttribution?.targets.map((t) => [t.target, t.count])).toEqual([["button#early", (PAGES * 2) / 3], ["button#late", PAGES / 3]]);
  const cls = metricOf(report, "CLS");
  expect(cls.count).toBe(PAGES);
  expect(cls.distribution.poor).toBe(values("CLS").filter((v) => v > 0.25).length / PAGES);
  expect(metricOf(report, "LCP").count).toBe(PAGES);
  const samples = report.samples ?? [];
  expect(samples).toHaveLength(PAGES);
  const view0 = samples.find((s) => s.pageId === "view-0");
  expect(view0).toMatchObject({ lcp: 1500, inp: 600, cls: 0.3, ts: NOW - HOUR });
  expect(samples.find((s) => s.pageId === "view-1")).toMatchObject({ lcp: 1501, inp: 100.5, cls: 0.01, ts: NOW - 2 * HOUR + 1000 });
  const navigation = metricOf(await getRumData(store, { metric: "INP", groupBy: "navigationType", now: NOW }), "INP");
  expect(navigation.groups?.map((g) => [g.key, g.count])).toEqual([["navigate", PAGES]]);
}

export function describeRumDedupBehaviour(engine: RumDedupEngine): void {
  describe(`repeated reports on ${engine.name}`, () => {
    it("replaces a report folded before the later one arrived", async () => {
      const store = await engine.open();
      try {
        await insertInBatches(store, firstReports(), 90);
        expect(metricOf(await getRumData(store, { metric: "INP", now: NOW }), "INP").count).toBe(PAGES);
        await insertInBatches(store, laterReports(), 10);
        await expectLatestOnly(store);
        // A fold with nothing new changes nothing.
        await store.foldRollups();
        await expectLatestOnly(store);
      } finally {
        await store.close();
      }
    });

    it("replaces a report folded in the same chunk as the later one, and in the same batch", async () => {
      for (const batch of [400, 10_000]) {
        const store = await engine.open();
        try {
          await insertInBatches(store, [...firstReports(), ...laterReports()], batch);
          await expectLatestOnly(store);
        } finally {
          await store.close();
        }
      }
    });

    it("keeps the latest of three reports and counts a page seen again after a fold once", async () => {
      const store = await engine.open();
      try {
        const report = (value: number, ts: number): RumEvent => makeRumEvent({ pageId: "thrice", metric: "INP", value, ts, target: `t${value}` });
        await store.insertEvents([report(50, NOW - 3 * HOUR), report(300, NOW - 2 * HOUR)]);
        await store.foldRollups();
        await store.insertEvents([report(900, NOW - HOUR)]);
        const inp = metricOf(await getRumData(store, { metric: "INP", sampleSize: 5, now: NOW }), "INP");
        expect(inp).toMatchObject({ count: 1, distribution: { good: 0, needsImprovement: 0, poor: 1 } });
        expect(inp.topAttribution?.targets.map((t) => t.target)).toEqual(["t900"]);
      } finally {
        await store.close();
      }
    });
  });
}
