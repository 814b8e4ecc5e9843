import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { startRumCollectorThread, type RumCollectorThread, type RumCollectorThreadOptions } from "./collector-thread.js";
import { makeBeacon, postBeacon, readStoredRows, send } from "./test-helpers/collector-kit.js";

const dirs: string[] = [];
const collectors: RumCollectorThread[] = [];
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "perfscope-rum-collector-thread-"));
  dirs.push(dir);
  return dir;
}

async function start(store: string, extra: Partial<RumCollectorThreadOptions> = {}): Promise<RumCollectorThread> {
  const collector = await startRumCollectorThread({ store, port: 0, rateLimit: false, ...extra });
  collectors.push(collector);
  return collector;
}

describe("startRumCollectorThread", () => {
  it("serves beacons from its own thread, commits them before the 204, and reports exact stats once closed", async () => {
    const file = join(tempDir(), "rum.sqlite");
    // A RegExp rule has to survive the trip to the thread (structured clone).
    const collector = await start(file, { routeRules: [{ pattern: "/shelf/:name", match: /^\/shelf\/[a-z]+$/ }] });
    expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(collector.threadId).toBeGreaterThan(0);
    const beacons = Array.from({ length: 29 }, () => makeBeacon());
    beacons.push(makeBeacon({ url: "https://shop.example/shelf/garden?x=1" }));
    const replies = await Promise.all(beacons.map((b) => postBeacon(`${collector.url}/rum`, b)));
    expect(replies.map((r) => r.status)).toEqual(Array(30).fill(204));
    expect(readStoredRows(file)).toHaveLength(120);
    expect(readStoredRows(file).find((r) => r.page_id === beacons[29]!.pageId)?.route).toBe("/shelf/:name");
    expect((await postBeacon(`${collector.url}/rum`, "{nope")).status).toBe(400);
    const health = await send(`${collector.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ ok: true, intake: "up", accepted: 30 });
    // Two closes share one; once closed, the thread's end is not a failure.
    await Promise.all([collector.close(), collector.close()]);
    expect(collector.stats()).toMatchObject({ accepted: 30, eventsWritten: 120, rejected: { invalid: 1 }, queuedEvents: 0 });
    await expect(send(`${collector.url}/healthz`)).rejects.toThrow();
    const late = await Promise.race([collector.failure, new Promise((r) => setTimeout(() => r("pending"), 200))]);
    expect(late).toBe("pending");
  });

  it("refuses bad options before it starts a thread", async () => {
    const dir = tempDir();
    await expect(start(join(dir, "rum.sqlite"), { maxBodyBytes: -1 })).rejects.toMatchObject({ code: "USAGE", message: expect.stringMatching(/maxBodyBytes/) });
    await expect(start(join(dir, "rum.sqlite"), { routeRules: [{ pattern: "/x", match: (() => true) as unknown as RegExp }] })).rejects.toMatchObject({ code: "USAGE", message: expect.stringMatching(/cannot be sent to a thread/) });
  });

  it("fails to start with the store's own error, and with a usage error on a busy port", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "taken.sqlite"));
    const storeError = await start(join(dir, "taken.sqlite")).then(() => null, (e: unknown) => e);
    expect(storeError).toBeInstanceOf(PerfError);
    expect((storeError as PerfError).where?.file).toBe(join(dir, "taken.sqlite"));

    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)));
    try {
      const portError = await start(join(dir, "rum.sqlite"), { port }).then(() => null, (e: unknown) => e);
      expect(portError).toMatchObject({ code: "USAGE", message: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+/) });
    } finally {
      blocker.close();
    }
  });

  it("says so through `failure` when its thread dies mid-flood, and every beacon it acknowledged is in the store", async () => {
    const file = join(tempDir(), "rum.sqlite");
    const collector = await start(file);
    const beacons = Array.from({ length: 400 }, () => makeBeacon());
    let acknowledged = 0;
    let killed: Promise<void> | undefined;
    const replies = await Promise.allSettled(
      beacons.map(async (b) => {
        const reply = await postBeacon(`${collector.url}/rum`, b);
        // Kill it while most of the flood is still in flight.
        if (reply.status === 204 && ++acknowledged === 20) killed = collector.terminateThread();
        return reply.status;
      }),
    );
    await killed;
    const kept = new Set(readStoredRows(file).map((r) => r.page_id));
    const answered = beacons.filter((_, i) => {
      const r = replies[i]!;
      return r.status === "fulfilled" && r.value === 204;
    });
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(answered.length).toBeLessThan(beacons.length);
    for (const b of answered) expect(kept.has(b.pageId)).toBe(true);
    const failure = await collector.failure;
    expect(failure).toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/collector: its thread stopped/) });
    await expect(send(`${collector.url}/healthz`)).rejects.toThrow();
    // Nothing is left to close.
    await collector.close();
  });
});
