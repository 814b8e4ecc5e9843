import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { makeBeacon, readStoredRows, startChildCollector, waitForExit, type ChildCollector } from "./test-helpers/collector-kit.js";

/** Peak and current resident memory of a process, in MiB (Linux /proc). */
function memoryOf(pid: number): { peakMiB: number; nowMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { peakMiB: kib("VmHWM") / 1024, nowMiB: kib("VmRSS") / 1024 };
}

const FLOOD_MS = 4000;
const CONNECTIONS = 200;
/** The writer: batches of at most 40 events (10 beacons), each held 100 ms: ~100 beacons/s. */
const CHILD_ARGS = ["--delay-ms", "100", "--max-batch", "40", "--max-queued", "400", "--max-connections", "1024"];
/** What the child may reach, tsx loader included (it starts near 100 MiB). */
const RSS_BOUND_MIB = 200;

let dir: string | undefined;
let collector: ChildCollector | undefined;
const agent = new Agent({ connections: CONNECTIONS, headersTimeout: 5000, bodyTimeout: 5000 });

afterEach(async () => {
  if (collector !== undefined) {
    collector.child.kill("SIGKILL");
    await waitForExit(collector.child);
  }
  collector = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, pageId?: string): Promise<{ status: number; retryAfter?: string; pageId: string }> {
  const beacon = makeBeacon(pageId === undefined ? {} : { pageId });
  const reply = await request(url, { method: "POST", body: JSON.stringify(beacon), headers: { "content-type": "text/plain" }, dispatcher: agent });
  await reply.body.dump();
  const retry = reply.headers["retry-after"];
  return { status: reply.statusCode, retryAfter: typeof retry === "string" ? retry : undefined, pageId: beacon.pageId };
}

describe("RUM collector at ten times its capacity", () => {
  it("sheds with 503 + Retry-After instead of timing out, stays within its memory bound, and recovers", async () => {
    dir = mkdtempSync(join(tmpdir(), "perfscope-rum-overload-"));
    const db = join(dir, "rum.sqlite");
    collector = await startChildCollector(["--db", db, ...CHILD_ARGS]);
    const url = collector.url + "/rum";
    const startMiB = memoryOf(collector.pid).nowMiB;

    const counts = new Map<number, number>();
    const failures: string[] = [];
    const acknowledged: string[] = [];
    let missingRetryAfter = 0;
    const floodEnd = Date.now() + FLOOD_MS;
    async function flooder(): Promise<void> {
      while (Date.now() < floodEnd) {
        try {
          const r = await post(url);
          counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
          if (r.status === 204) acknowledged.push(r.pageId);
          if ((r.status === 503 || r.status === 429) && r.retryAfter === undefined) missingRetryAfter++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }
    const t0 = Date.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, flooder));
    const seconds = (Date.now() - t0) / 1000;
    const memory = memoryOf(collector.pid);

    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const accepted = counts.get(204) ?? 0;
    const shed = (counts.get(503) ?? 0) + (counts.get(429) ?? 0);
    // Every request got an answer, none timed out or was reset.
    expect(failures.slice(0, 5)).toEqual([]);
    expect([...counts.keys()].filter((s) => s !== 204 && s !== 503 && s !== 429)).toEqual([]);
    expect(missingRetryAfter).toBe(0);
    // It really was ≥ 10× what the writer takes: most of the flood was shed.
    expect(total).toBeGreaterThanOrEqual(10 * accepted);
    expect(shed).toBeGreaterThan(0);
    // The writer kept its pace (~100/s), the queue never grew past its bound.
    expect(accepted / seconds).toBeLessThan(200);
    expect(memory.peakMiB).toBeLessThan(RSS_BOUND_MIB);
    expect(memory.peakMiB - startMiB).toBeLessThan(80);

    // Once the flood stops, a normal beacon is taken again within two seconds.
    const calm = Date.now();
    let recovered: number | undefined;
    while (Date.now() - calm < 5000) {
      const r = await post(url);
      if (r.status === 204) {
        recovered = Date.now() - calm;
        acknowledged.push(r.pageId);
        break;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(recovered).toBeDefined();
    expect(recovered).toBeLessThan(2000);
    for (let i = 0; i < 5; i++) {
      const r = await post(url);
      expect(r.status).toBe(204);
      acknowledged.push(r.pageId);
    }
    // And what was acknowledged during the flood was kept.
    const stored = new Set(readStoredRows(db).map((r) => r.page_id));
    expect(acknowledged.filter((p) => !stored.has(p))).toEqual([]);
    process.stdout.write(`overload: ${total} requests in ${seconds.toFixed(1)} s, ${accepted} accepted, ${shed} shed; child RSS ${startMiB.toFixed(0)} → peak ${memory.peakMiB.toFixed(0)} MiB; recovered in ${recovered} ms\n`);
  });
});
