import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeBeacon, postBeacon, readStoredRows, startChildCollector, waitForExit, type ChildCollector } from "./test-helpers/collector-kit.js";

const CONCURRENCY = 24;
let dir: string | undefined;
const children: ChildCollector[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.child.kill("SIGKILL");
    await waitForExit(c.child);
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe.each([
  ["in the HTTP thread", []],
  ["in its intake thread (as rum serve runs it)", ["--threaded"]],
])("RUM collector killed with SIGKILL during ingest, writing %s", (_, mode: string[]) => {
  it("keeps every beacon it acknowledged", async () => {
    dir = mkdtempSync(join(tmpdir(), "perfscope-rum-crash-"));
    const db = join(dir, "rum.sqlite");
    const first = await startChildCollector(["--db", db, ...mode]);
    children.push(first);
    const acknowledged: string[] = [];
    let unanswered = 0;
    let stop = false;
    async function worker(): Promise<void> {
      while (!stop) {
        const beacon = makeBeacon();
        try {
          const reply = await postBeacon(first.url + "/rum", beacon);
          if (reply.status === 204) acknowledged.push(beacon.pageId);
        } catch {
          // Cut off by the kill: not acknowledged, so the collector owes nothing for it.
          unanswered++;
        }
      }
    }
    const workers = Array.from({ length: CONCURRENCY }, worker);
    // Kill in the middle of the stream, once a good number have been acknowledged.
    while (acknowledged.length < 400) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    await waitForExit(first.child);
    stop = true;
    await Promise.all(workers);
    expect(first.child.signalCode).toBe("SIGKILL");
    // Requests were in flight at the kill: it really happened mid-ingest.
    expect(unanswered).toBeGreaterThan(0);

    // Restart on the same file: SQLite recovers the WAL, the collector takes beacons again.
    const second = await startChildCollector(["--db", db, ...mode]);
    children.push(second);
    const after = makeBeacon();
    expect((await postBeacon(second.url + "/rum", after)).status).toBe(204);

    const rows = readStoredRows(db);
    const metricsByPage = new Map<string, number>();
    for (const r of rows) metricsByPage.set(r.page_id, (metricsByPage.get(r.page_id) ?? 0) + 1);
    const missing = acknowledged.filter((pageId) => metricsByPage.get(pageId) !== 4);
    expect(missing).toEqual([]);
    expect(metricsByPage.get(after.pageId)).toBe(4);
    // Whole beacons only: a batch is one transaction, never half a beacon.
    expect([...metricsByPage.values()].every((n) => n === 4)).toBe(true);
  });
});
