import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { getRumData } from "../query/get-rum-data.js";
import { describeRumQueryBehaviour, metricOf, NOW } from "../query/test-helpers/rum-query-behaviour.js";
import { openSqliteRumStore } from "./sqlite-rum-store.js";
import { makeRumEvent } from "./test-helpers/rum-events.js";
import { describeRumDedupBehaviour } from "./test-helpers/rum-dedup-behaviour.js";
import { describeRumStoreBehaviour } from "./test-helpers/rum-store-behaviour.js";
import { rawSqlite } from "../../../test-helpers/raw-sql.js";

let root = "";
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "perfscope-rum-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A folder that does not exist yet: opening must create it.
const newFile = (): string => join(root, `case-${++counter}`, "rum.sqlite");

describeRumQueryBehaviour({ name: "sqlite", open: () => openSqliteRumStore(newFile()) });
describeRumDedupBehaviour({ name: "sqlite", open: () => openSqliteRumStore(newFile()) });
describeRumStoreBehaviour({ name: "sqlite", newLocation: newFile, open: (file) => openSqliteRumStore(file), raw: async (file, sql, params) => rawSqlite(file, sql, params) });

function runWriter(file: string, count: number, tag: string): Promise<{ code: number | null; stderr: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "test-helpers", "rum-writer-process.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, file, String(count), tag], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("RUM store on sqlite: files and durability", () => {
  it("puts the file in WAL mode, opens with durability full, and refuses an unknown durability", async () => {
    const file = newFile();
    const full = await openSqliteRumStore(file, { durability: "full" });
    await full.insertEvents([makeRumEvent({ metric: "TTFB", value: 300, ts: NOW })]);
    await full.close();
    expect(rawSqlite(file, "PRAGMA journal_mode")[0]?.journal_mode).toBe("wal");
    expect(rawSqlite(file, "SELECT metric, value FROM rum_events")).toEqual([{ metric: "TTFB", value: 300 }]);
    expect(rawSqlite(file, "PRAGMA synchronous")[0]?.synchronous).toBe(1);
    await expect(openSqliteRumStore(newFile(), { durability: "paranoid" as "full" })).rejects.toMatchObject({ code: "USAGE" });
  });

  it("folds more beacons than one chunk holds in one foldRollups call, up to the last one", async () => {
    const file = newFile();
    const store = await openSqliteRumStore(file);
    // 2,500 page views: two full chunks of 1,000 and a part one.
    const events = Array.from({ length: 2_500 }, (_, i) => makeRumEvent({ metric: "LCP", value: 1000 + i, pageId: `fold-${i}`, ts: NOW - 60_000 }));
    await store.insertEvents(events);
    await store.foldRollups();
    const last = rawSqlite(file, "SELECT MAX(id) AS id FROM rum_beacons")[0]?.id;
    expect(rawSqlite(file, "SELECT folded_through FROM rum_rollup_state")[0]?.folded_through).toBe(last);
    expect(rawSqlite(file, "SELECT SUM(count) AS total FROM rum_rollups WHERE metric = 'LCP'")[0]?.total).toBe(2_500);
    await store.close();
  });

  it("counts every beacon once when two processes and this one write, fold and query the same file at once", async () => {
    const file = newFile();
    const store = await openSqliteRumStore(file);
    const own = Array.from({ length: 20 }, (_, i) => store.insertEvents([{ ts: NOW - 3_600_000, pageId: `own-${i}`, metric: "LCP", value: 1000, rating: "good", route: "/", url: "https://x/", device: "desktop", connection: "4g", navigationType: "navigate" }]));
    const queries = (async () => {
      for (let i = 0; i < 10; i++) await getRumData(store, { metric: "LCP", now: NOW });
    })();
    const [one, two] = await Promise.all([runWriter(file, 40, "p1"), runWriter(file, 40, "p2"), ...own, queries]);
    expect(one).toMatchObject({ code: 0 });
    expect(two).toMatchObject({ code: 0 });
    // Each process writes 40 batches of 50 LCP events (10 poor, routes /r0–/r2), querying every 10th; this one 20 on /.
    expect(metricOf(await getRumData(store, { metric: "LCP", now: NOW }), "LCP")).toMatchObject({ count: 2 * 40 * 50 + 20, distribution: { poor: (2 * 40 * 10) / (2 * 40 * 50 + 20) } });
    await store.close();
    expect(rawSqlite(file, "SELECT SUM(count) AS total, COUNT(*) AS keys FROM rum_rollups")[0]).toEqual({ total: 2 * 40 * 50 + 20, keys: 4 });
  });

  it("says a file that is not SQLite cannot hold RUM data, and a folder is not a file", async () => {
    const file = join(root, "notes.txt");
    writeFileSync(file, "these are notes, not a database ".repeat(40));
    const error = await openSqliteRumStore(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: "MALFORMED_INPUT", where: { file } });
    await expect(openSqliteRumStore(root)).rejects.toMatchObject({ code: "USAGE" });
  });
});
