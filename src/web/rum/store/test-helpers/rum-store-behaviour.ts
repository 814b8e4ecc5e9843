/**
 * The storage suite both engines must pass: several writers and folders, folds in rounds, a
 * crash before folding, atomic batches, reopening, and schema versions. `open` with the same location reaches the
 * same database (file or PostgreSQL schema).
 */
import { describe, expect, it } from "vitest";
import { PerfError } from "../../../../core/errors.js";
import type { SqlRow, SqlValue } from "../../../../store/sql-driver.js";
import type { RumStore } from "../../model.js";
import { getRumData } from "../../query/get-rum-data.js";
import { metricOf, NOW } from "../../query/test-helpers/rum-query-behaviour.js";
import type { RumQuerySource } from "../rum-query-source.js";
import { insertInBatches, makeRumEvent } from "./rum-events.js";

export interface RumStoreEngine {
  name: string;
  newLocation(): string;
  open(location: string): Promise<RumStore & RumQuerySource>;
  raw(location: string, sql: string, params?: SqlValue[]): Promise<SqlRow[]>;
}

const HOUR = 3_600_000;

async function countLcp(store: RumQuerySource): Promise<{ count: number; poor: number }> {
  const lcp = metricOf(await getRumData(store, { metric: "LCP", timeRange: "7d", now: NOW }), "LCP");
  return { count: lcp.count, poor: Math.round(lcp.distribution.poor * lcp.count) };
}

async function openError(engine: RumStoreEngine, location: string): Promise<PerfError> {
  const error = await engine.open(location).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}

export function describeRumStoreBehaviour(engine: RumStoreEngine): void {
  describe(`RUM store on ${engine.name}`, () => {
    it("lets two store instances write and query at once without losing or double counting", async () => {
      const location = engine.newLocation();
      const [a, b] = await Promise.all([engine.open(location), engine.open(location)]);
      // Same hours, routes and devices for both, so they fold into the same rollup keys.
      const eventsFor = (tag: string): ReturnType<typeof makeRumEvent>[] =>
        Array.from({ length: 3000 }, (_, i) => makeRumEvent({ metric: "LCP", value: i % 5 === 0 ? 5000 : 1500, route: `/r${i % 7}`, device: i % 2 ? "mobile" : "desktop", ts: NOW - (i % 5) * HOUR, pageId: `${tag}-${i}` }));
      const queries = async (store: RumQuerySource): Promise<void> => {
        for (let i = 0; i < 5; i++) expect((await countLcp(store)).count).toBeLessThanOrEqual(6000);
      };
      await Promise.all([insertInBatches(a, eventsFor("a"), 100), insertInBatches(b, eventsFor("b"), 100), queries(a), queries(b)]);
      expect(await countLcp(a)).toEqual({ count: 6000, poor: 1200 });
      expect(await countLcp(b)).toEqual({ count: 6000, poor: 1200 });
      await Promise.all([a.close(), b.close()]);
      const rows = await engine.raw(location, "SELECT COUNT(*) AS n, SUM(count) AS total FROM rum_rollups");
      expect(Number(rows[0]?.total)).toBe(6000);
      // One rollup row per key: 7 routes × 2 devices × 5 hours, whoever folded.
      expect(Number(rows[0]?.n)).toBe(70);
      expect(Number((await engine.raw(location, "SELECT COUNT(*) AS n FROM rum_beacons"))[0]?.n)).toBe(6000);
    });

    it("folds in several rounds into one rollup row per key, old hours included", async () => {
      const location = engine.newLocation();
      const store = await engine.open(location);
      const early = NOW - 20 * HOUR;
      const at = (ts: number): ReturnType<typeof makeRumEvent>[] => Array.from({ length: 100 }, () => makeRumEvent({ metric: "LCP", value: 3000, ts }));
      await store.insertEvents(at(early));
      await store.foldRollups();
      await store.insertEvents(at(NOW));
      await store.foldRollups();
      await store.insertEvents(at(early + 60_000));
      await store.foldRollups();
      await store.close();
      const rows = await engine.raw(location, "SELECT count FROM rum_rollups WHERE hour_ms = ?", [early - (early % HOUR)]);
      expect(rows.map((r) => Number(r.count))).toEqual([200]);
    });

    it("counts everything once after a crash before any fold: raw rows are the truth", async () => {
      const location = engine.newLocation();
      const first = await engine.open(location);
      await insertInBatches(first, Array.from({ length: 500 }, (_, i) => makeRumEvent({ metric: "LCP", value: i < 100 ? 4500 : 1000, ts: NOW - HOUR })), 50);
      // Closed without folding, as a killed collector would leave it.
      await first.close();
      expect((await engine.raw(location, "SELECT folded_through FROM rum_rollup_state")).map((r) => Number(r.folded_through))).toEqual([0]);
      const second = await engine.open(location);
      try {
        expect(await countLcp(second)).toEqual({ count: 500, poor: 100 });
        expect(await countLcp(second)).toEqual({ count: 500, poor: 100 });
      } finally {
        await second.close();
      }
    });

    it("stores all of a batch or none of it, and says which event was wrong", async () => {
      const location = engine.newLocation();
      const store = await engine.open(location);
      try {
        await store.insertEvents([makeRumEvent({ metric: "LCP", value: 1000, ts: NOW - HOUR })]);
        const bad = [makeRumEvent({ metric: "LCP", value: 1200, ts: NOW - HOUR }), makeRumEvent({ metric: "LCP", value: Number.NaN, ts: NOW - HOUR })];
        const error = await store.insertEvents(bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PerfError);
        expect((error as PerfError).code).toBe("USAGE");
        expect((error as PerfError).message).toMatch(/event 1 of 2/);
        await store.insertEvents([makeRumEvent({ metric: "LCP", value: 5000, ts: NOW - HOUR })]);
        expect(await countLcp(store)).toEqual({ count: 2, poor: 1 });
      } finally {
        await store.close();
      }
      expect(Number((await engine.raw(location, "SELECT COUNT(*) AS n FROM rum_beacons"))[0]?.n)).toBe(2);
    });

    it("keeps the data across reopening, adding new beacons to the old ones", async () => {
      const location = engine.newLocation();
      const first = await engine.open(location);
      await first.insertEvents(Array.from({ length: 50 }, () => makeRumEvent({ metric: "LCP", value: 4500, ts: NOW - HOUR })));
      await first.close();
      const second = await engine.open(location);
      try {
        await second.insertEvents(Array.from({ length: 30 }, () => makeRumEvent({ metric: "LCP", value: 1000, ts: NOW - HOUR })));
        expect(await countLcp(second)).toEqual({ count: 80, poor: 50 });
        const stored = await engine.raw(location, "SELECT target, attribution, url FROM rum_events LIMIT 1");
        expect(stored[0]?.url).toBe("https://shop.example/");
      } finally {
        await second.close();
      }
    });

    it("keeps one row per beacon with the attribution as JSON keyed by metric, and shows each measurement in rum_events", async () => {
      const location = engine.newLocation();
      const store = await engine.open(location);
      const beacon = { pageId: "one-view", ts: NOW };
      await store.insertEvents([
        makeRumEvent({ ...beacon, metric: "INP", value: 320, target: "button#buy", attribution: { target: "button#buy", type: "pointer", inputDelay: 12.5 } }),
        makeRumEvent({ ...beacon, metric: "TTFB", value: 90, attribution: { waiting: 3 } }),
        makeRumEvent({ ...beacon, metric: "CLS", value: 0 }),
      ]);
      await store.close();
      const beacons = await engine.raw(location, "SELECT page_id, inp, ttfb, cls, lcp, inp_target, attribution FROM rum_beacons");
      expect(beacons.map((b) => ({ ...b, attribution: JSON.parse(String(b.attribution)) }))).toEqual([
        { page_id: "one-view", inp: 320, ttfb: 90, cls: 0, lcp: null, inp_target: "button#buy", attribution: { INP: { target: "button#buy", type: "pointer", inputDelay: 12.5 }, TTFB: { waiting: 3 } } },
      ]);
      expect((await engine.raw(location, "SELECT metric FROM rum_events ORDER BY rowid")).map((r) => r.metric)).toEqual(["INP", "CLS", "TTFB"]);
      const rows = await engine.raw(location, "SELECT target, attribution, nav_type, rating FROM rum_events WHERE metric = 'INP'");
      expect(rows).toHaveLength(1);
      expect(rows[0]?.target).toBe("button#buy");
      expect(JSON.parse(String(rows[0]?.attribution))).toEqual({ target: "button#buy", type: "pointer", inputDelay: 12.5 });
      expect(rows[0]?.rating).toBe("needs-improvement");
    });

    it("refuses a store whose schema is newer than this perfscope knows, and leaves it alone", async () => {
      const location = engine.newLocation();
      await (await engine.open(location)).close();
      await engine.raw(location, "INSERT INTO rum_schema (version, applied_at) VALUES (?, ?)", [99, "2030-01-01T00:00:00Z"]);
      const error = await openError(engine, location);
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toMatch(/schema version 99, newer than this perfscope knows \(1\)/);
      expect(error.hint).toMatch(/upgrade perfscope/);
      expect((await engine.raw(location, "SELECT version FROM rum_schema ORDER BY version")).map((r) => Number(r.version))).toEqual([1, 99]);
    });

    it("refuses a rum_events table it did not create", async () => {
      const location = engine.newLocation();
      await engine.raw(location, "CREATE TABLE rum_events (id INTEGER)");
      const error = await openError(engine, location);
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toMatch(/no rum_schema table/);
    });
  });
}
