/**
 * The query suite both engines must pass: known data in, getRumData's answers checked
 * against exact values computed here from the same data.
 */
import { describe, expect, it } from "vitest";
import type { RumEvent, RumMetric, RumStore } from "../../model.js";
import type { RumQuerySource } from "../../store/rum-query-source.js";
import { insertInBatches, makeRumEvent, RUM_TEST_NOW } from "../../store/test-helpers/rum-events.js";
import { createRandom, drawLogNormal, exactQuantile } from "../../store/test-helpers/seeded-random.js";
import { getRumData } from "../get-rum-data.js";
import type { RumMetricReport, RumReport } from "../rum-report.js";

export interface RumQueryEngine {
  name: string;
  open(): Promise<RumStore & RumQuerySource>;
}

export const NOW = RUM_TEST_NOW;
const HOUR = 3_600_000;

export function metricOf(report: RumReport, metric: RumMetric): RumMetricReport {
  const m = report.metrics[metric];
  if (!m) throw new Error(`report has no ${metric}`);
  return m;
}

function expectClose(actual: number | null | undefined, exact: number, tolerance = 0.02): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - exact)).toBeLessThanOrEqual(exact * tolerance);
}

async function withStore<T>(engine: RumQueryEngine, events: readonly RumEvent[], work: (store: RumStore & RumQuerySource) => Promise<T>): Promise<T> {
  const store = await engine.open();
  try {
    await insertInBatches(store, events);
    return await work(store);
  } finally {
    await store.close();
  }
}

export function describeRumQueryBehaviour(engine: RumQueryEngine): void {
  describe(`getRumData on ${engine.name}`, () => {
    it("reads p50/p75/p95 of 5,000 log-normal LCP values within 2 % of the exact sorted values", async () => {
      const random = createRandom(42);
      const values = Array.from({ length: 5000 }, () => drawLogNormal(random, 2200, 0.55));
      const events = values.map((value) => makeRumEvent({ metric: "LCP", value, ts: NOW - random() * 20 * HOUR }));
      const report = await withStore(engine, events, (store) => getRumData(store, { metric: "LCP", now: NOW }));
      const lcp = metricOf(report, "LCP");
      expect(lcp.count).toBe(5000);
      expectClose(lcp.percentiles.p50, exactQuantile(values, 0.5));
      expectClose(lcp.percentiles.p75, exactQuantile(values, 0.75));
      expectClose(lcp.percentiles.p95, exactQuantile(values, 0.95));
      expect(lcp.p75).toBe(lcp.percentiles.p75);
      expect(lcp.unit).toBe("ms");
      expect(report.timeRange).toEqual({ from: "2025-03-09T12:00:00.000Z", to: "2025-03-10T13:00:00.000Z" });
    });

    it("counts good / needs-improvement / poor shares exactly, thresholds inclusive on the good side", async () => {
      const lcp = [1000, 2500, 2500.01, 3000, 4000, 4000.5, 9000, 2400, 100, 5000];
      const inp = [50, 200, 201, 500, 501, 800];
      const events = [...lcp.map((value) => makeRumEvent({ metric: "LCP", value, ts: NOW - HOUR })), ...inp.map((value) => makeRumEvent({ metric: "INP", value, ts: NOW - 2 * HOUR }))];
      const report = await withStore(engine, events, (store) => getRumData(store, { metric: ["LCP", "INP"], now: NOW }));
      const share = (values: number[], test: (v: number) => boolean): number => values.filter(test).length / values.length;
      expect(metricOf(report, "LCP").distribution).toEqual({ good: share(lcp, (v) => v <= 2500), needsImprovement: share(lcp, (v) => v > 2500 && v <= 4000), poor: share(lcp, (v) => v > 4000) });
      expect(metricOf(report, "INP").distribution).toEqual({ good: share(inp, (v) => v <= 200), needsImprovement: share(inp, (v) => v > 200 && v <= 500), poor: share(inp, (v) => v > 500) });
      const d = metricOf(report, "LCP").distribution;
      expect(d.good + d.needsImprovement + d.poor).toBeCloseTo(1, 12);
    });

    it("groups by route and by device with each group's own count and p75, most values first", async () => {
      const random = createRandom(8);
      const specs = [
        { route: "/", device: "desktop", n: 900, median: 1500 },
        { route: "/product/:id", device: "mobile", n: 600, median: 3200 },
        { route: "/cart", device: "mobile", n: 300, median: 2000 },
        { route: "/cart", device: "tablet", n: 100, median: 2600 },
      ] as const;
      const events = specs.flatMap((s) => Array.from({ length: s.n }, () => makeRumEvent({ metric: "LCP", value: drawLogNormal(random, s.median, 0.4), route: s.route, device: s.device, ts: NOW - random() * 10 * HOUR })));
      const valuesOf = (test: (e: RumEvent) => boolean): number[] => events.filter(test).map((e) => e.value);
      await withStore(engine, events, async (store) => {
        const byRoute = metricOf(await getRumData(store, { metric: "LCP", groupBy: "route", now: NOW }), "LCP").groups ?? [];
        expect(byRoute.map((g) => [g.key, g.count])).toEqual([["/", 900], ["/product/:id", 600], ["/cart", 400]]);
        for (const g of byRoute) expectClose(g.p75, exactQuantile(valuesOf((e) => e.route === g.key), 0.75));
        const byDevice = metricOf(await getRumData(store, { metric: "LCP", groupBy: "device", now: NOW }), "LCP").groups ?? [];
        expect(byDevice.map((g) => [g.key, g.count])).toEqual([["desktop", 900], ["mobile", 900], ["tablet", 100]].sort((a, b) => (b[1] as number) - (a[1] as number) || String(a[0]).localeCompare(String(b[0]))));
        for (const g of byDevice) expectClose(g.percentiles.p95, exactQuantile(valuesOf((e) => e.device === g.key), 0.95));
      });
    });

    it("lists the slowest routes by p75 with their poor share, leaving out routes with too few values", async () => {
      const random = createRandom(21);
      const routes = [
        { route: "/fast", n: 200, median: 1000 },
        { route: "/medium", n: 100, median: 3000 },
        { route: "/slow", n: 50, median: 5000 },
        { route: "/rare", n: 5, median: 20000 },
      ];
      const events = routes.flatMap((r) => Array.from({ length: r.n }, () => makeRumEvent({ metric: "LCP", value: drawLogNormal(random, r.median, 0.3), route: r.route, ts: NOW - 3 * HOUR })));
      const report = await withStore(engine, events, (store) => getRumData(store, { metric: "LCP", now: NOW }));
      const slowest = metricOf(report, "LCP").slowestRoutes;
      expect(slowest.routes.map((r) => r.route)).toEqual(["/slow", "/medium", "/fast"]);
      const slow = events.filter((e) => e.route === "/slow").map((e) => e.value);
      expect(slowest.routes[0]?.count).toBe(50);
      expect(slowest.routes[0]?.poorShare).toBe(slow.filter((v) => v > 4000).length / 50);
      expect(slowest.routes[0]?.rating).toBe("poor");
      expect(slowest.minCount).toBeGreaterThan(5);
    });

    it("names the most common LCP elements and INP targets with count, share and median value", async () => {
      const random = createRandom(34);
      const lcpTargets = [
        { target: "img.hero", n: 300, median: 3100 },
        { target: "h1.title", n: 150, median: 1200 },
        { target: "p.lead", n: 50, median: 900 },
      ];
      const events = [
        ...lcpTargets.flatMap((t) => Array.from({ length: t.n }, () => makeRumEvent({ metric: "LCP", value: Math.round(drawLogNormal(random, t.median, 0.2)), target: t.target, attribution: { target: t.target, renderDelay: 40 }, ts: NOW - random() * 5 * HOUR }))),
        ...Array.from({ length: 40 }, () => makeRumEvent({ metric: "LCP", value: 2000, ts: NOW - HOUR })),
        ...Array.from({ length: 30 }, (_, i) => makeRumEvent({ metric: "INP", value: 100 + i * 10, target: i % 3 === 0 ? "button#buy" : "input.search", ts: NOW - HOUR })),
      ];
      const report = await withStore(engine, events, (store) => getRumData(store, { metric: "core_web_vitals", now: NOW }));
      const lcp = metricOf(report, "LCP").topAttribution;
      expect(lcp?.examined).toBe(500);
      expect(lcp?.complete).toBe(true);
      expect(lcp?.targets.map((t) => [t.target, t.count, t.share])).toEqual([["img.hero", 300, 0.6], ["h1.title", 150, 0.3], ["p.lead", 50, 0.1]]);
      const heroValues = events.filter((e) => e.target === "img.hero").map((e) => e.value).sort((a, b) => a - b);
      expect(lcp?.targets[0]?.median).toBe(((heroValues[149] as number) + (heroValues[150] as number)) / 2);
      const inp = metricOf(report, "INP").topAttribution;
      expect(inp?.targets.map((t) => [t.target, t.count])).toEqual([["input.search", 20], ["button#buy", 10]]);
      expect(metricOf(report, "CLS").topAttribution?.targets).toEqual([]);
    });

    it("filters by device, route and connection", async () => {
      const random = createRandom(55);
      const events = Array.from({ length: 1200 }, (_, i) =>
        makeRumEvent({ metric: "LCP", value: drawLogNormal(random, i % 2 === 0 ? 3500 : 1400, 0.4), device: i % 2 === 0 ? "mobile" : "desktop", connection: i % 3 === 0 ? "3g" : "4g", route: i % 4 === 0 ? "/a" : "/b", ts: NOW - random() * 6 * HOUR }),
      );
      await withStore(engine, events, async (store) => {
        const mobile = events.filter((e) => e.device === "mobile").map((e) => e.value);
        const byDevice = metricOf(await getRumData(store, { metric: "LCP", filters: { device: "mobile" }, now: NOW }), "LCP");
        expect(byDevice.count).toBe(mobile.length);
        expectClose(byDevice.p75, exactQuantile(mobile, 0.75));
        const picked = events.filter((e) => e.route === "/a" && e.connection === "3g");
        const both = metricOf(await getRumData(store, { metric: "LCP", filters: { route: "/a", connection: "3g" }, now: NOW }), "LCP");
        expect(both.count).toBe(picked.length);
        expect(both.distribution.poor).toBe(picked.filter((e) => e.value > 4000).length / picked.length);
        expect(metricOf(await getRumData(store, { metric: "LCP", filters: { route: "/nowhere" }, now: NOW }), "LCP")).toMatchObject({ count: 0, p75: null, rating: null });
      });
    });

    it("leaves out events older than the time range and reads an explicit range", async () => {
      const recent = Array.from({ length: 100 }, (_, i) => makeRumEvent({ metric: "LCP", value: 1000 + i, ts: NOW - 2 * HOUR }));
      const old = Array.from({ length: 50 }, () => makeRumEvent({ metric: "LCP", value: 9000, ts: NOW - 3 * 24 * HOUR }));
      await withStore(engine, [...recent, ...old], async (store) => {
        const day = metricOf(await getRumData(store, { metric: "LCP", timeRange: "24h", now: NOW }), "LCP");
        expect(day.count).toBe(100);
        expect(day.distribution.poor).toBe(0);
        const earlier = metricOf(await getRumData(store, { metric: "LCP", timeRange: { from: new Date(NOW - 4 * 24 * HOUR), to: NOW - 2 * 24 * HOUR }, now: NOW }), "LCP");
        expect(earlier.count).toBe(50);
        expect(earlier.distribution.poor).toBe(1);
        expect(metricOf(await getRumData(store, { metric: "LCP", timeRange: "7d", now: NOW }), "LCP").count).toBe(150);
      });
    });

    for (const planted of [{ slowdown: 1.3, detected: true }, { slowdown: 1, detected: false }]) {
      it(`${planted.detected ? "flags a last day 30 % slower" : "does not flag a flat week"} in the daily trend`, async () => {
        const random = createRandom(planted.detected ? 77 : 78);
        const events: RumEvent[] = [];
        // Seven earlier days (13:00–22:00 UTC) and today until 12:00, 800 page loads each.
        for (let d = 0; d < 8; d++) {
          const start = d < 7 ? Date.UTC(2025, 2, 3 + d, 13) : Date.UTC(2025, 2, 10, 0);
          const factor = d === 7 ? planted.slowdown : 1;
          for (let i = 0; i < 800; i++) events.push(makeRumEvent({ metric: "LCP", value: drawLogNormal(random, 2000, 0.5) * factor, ts: start + random() * 9 * HOUR }));
        }
        const lcp = metricOf(await withStore(engine, events, (store) => getRumData(store, { metric: "LCP", timeRange: "7d", now: NOW })), "LCP");
        expect(lcp.trend.map((t) => [t.day, t.count])).toEqual(Array.from({ length: 8 }, (_, d) => [`2025-03-${String(3 + d).padStart(2, "0")}`, 800]));
        expect(lcp.regression.detected).toBe(planted.detected);
        expect(lcp.regression.day).toBe("2025-03-10");
        expect(lcp.regression.method).toMatch(/binomial/);
        if (planted.detected) expect(lcp.regression.relativeChange).toBeGreaterThan(0.15);
        else expect(Math.abs(lcp.regression.relativeChange ?? 1)).toBeLessThan(0.1);
      });
    }

    it("says the regression was not tested when the range holds one day", async () => {
      const events = Array.from({ length: 300 }, (_, i) => makeRumEvent({ metric: "LCP", value: 1000 + i, ts: NOW - HOUR }));
      const lcp = metricOf(await withStore(engine, events, (store) => getRumData(store, { metric: "LCP", now: NOW })), "LCP");
      expect(lcp.regression.detected).toBe(false);
      expect(lcp.regression.notTested).toMatch(/two UTC days/);
    });

    it("groups by navigation type (raw rows) and by day", async () => {
      const random = createRandom(90);
      const events = Array.from({ length: 600 }, (_, i) => makeRumEvent({ metric: "LCP", value: drawLogNormal(random, i % 3 === 0 ? 800 : 2400, 0.3), navigationType: i % 3 === 0 ? "back-forward-cache" : "navigate", ts: NOW - (i % 2 === 0 ? 1 : 20) * HOUR }));
      await withStore(engine, events, async (store) => {
        const nav = metricOf(await getRumData(store, { metric: "LCP", groupBy: "navigationType", now: NOW }), "LCP").groups ?? [];
        expect(nav.map((g) => [g.key, g.count])).toEqual([["navigate", 400], ["back-forward-cache", 200]]);
        expectClose(nav[1]?.p75, exactQuantile(events.filter((e) => e.navigationType === "back-forward-cache").map((e) => e.value), 0.75));
        const days = metricOf(await getRumData(store, { metric: "LCP", groupBy: "day", now: NOW }), "LCP").groups ?? [];
        expect(days.map((g) => [g.key, g.count])).toEqual([["2025-03-09", 300], ["2025-03-10", 300]]);
      });
    });

    it("reads CLS scores with many exact zeros", async () => {
      const random = createRandom(12);
      const values = Array.from({ length: 2000 }, () => (random() < 0.6 ? 0 : drawLogNormal(random, 0.08, 1)));
      const cls = metricOf(await withStore(engine, values.map((value) => makeRumEvent({ metric: "CLS", value, ts: NOW - HOUR })), (store) => getRumData(store, { metric: "cls" as RumMetric, percentiles: [50, 90], now: NOW })), "CLS");
      expect(cls.percentiles.p50).toBe(0);
      expectClose(cls.percentiles.p90, exactQuantile(values, 0.9));
      expectClose(cls.p75, exactQuantile(values, 0.75));
      expect(cls.unit).toBe("score");
    });

    it("returns recent page views as rows with one value per metric, the latest report winning", async () => {
      const events: RumEvent[] = [];
      for (let p = 0; p < 30; p++) {
        const base = { pageId: `view-${p}`, route: "/product/:id", device: "mobile" as const };
        const ts = NOW - HOUR + p * 1000;
        events.push(makeRumEvent({ ...base, metric: "TTFB", value: 100 + p, ts }), makeRumEvent({ ...base, metric: "LCP", value: 2000 + p, ts: ts + 10 }));
        events.push(makeRumEvent({ ...base, metric: "CLS", value: 0.01, ts: ts + 20 }), makeRumEvent({ ...base, metric: "CLS", value: 0.2 + p / 1000, ts: ts + 500 }));
        if (p % 2 === 0) events.push(makeRumEvent({ ...base, metric: "INP", value: 300 + p, ts: ts + 400 }));
      }
      await withStore(engine, events, async (store) => {
        const rum = await getRumData(store, { metric: "core_web_vitals", timeRange: "24h", sampleSize: 10, now: NOW });
        expect(rum.samples?.map((s) => s.pageId)).toEqual(Array.from({ length: 10 }, (_, i) => `view-${29 - i}`));
        expect(rum.samples?.[0]).toEqual({ pageId: "view-29", ts: NOW - HOUR + 29_000 + 500, route: "/product/:id", device: "mobile", connection: "4g", navigationType: "navigate", ttfb: 129, lcp: 2029, cls: 0.229 });
        expect(rum.samples?.[1]?.inp).toBe(328);
        const all = await getRumData(store, { metric: "LCP", sampleSize: 100, now: NOW });
        expect(all.samples).toHaveLength(30);
        expect(all.samples?.filter((s) => (s.lcp ?? 0) > 2020).length).toBe(9);
      });
    });
  });
}
