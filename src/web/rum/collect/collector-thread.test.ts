import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { startRumCollectorThread, type RumCollectorThread } from "./collector-thread.js";
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

async function start(store: string, extra: { port?: number } = {}): Promise<RumCollectorThread> {
  const collector = await startRumCollectorThread({ store, port: 0, rateLimit: false, ...extra });
  collectors.push(collector);
  return collector;
}

describe("startRumCollectorThread", () => {
  it("serves beacons from its own thread, commits them before the 204, and reports exact stats once closed", async () => {
    const file = join(tempDir(), "rum.sqlite");
    const collector = await start(file);
    expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const beacons = Array.from({ length: 30 }, () => makeBeacon());
    const replies = await Promise.all(beacons.map((b) => postBeacon(`${collector.url}/rum`, b)));
    expect(replies.map((r) => r.status)).toEqual(Array(30).fill(204));
    expect(readStoredRows(file)).toHaveLength(120);
    expect((await postBeacon(`${collector.url}/rum`, "{nope")).status).toBe(400);
    const health = await send(`${collector.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ ok: true, intake: "up", accepted: 30 });
    await collector.close();
    expect(collector.stats()).toMatchObject({ accepted: 30, eventsWritten: 120, rejected: { invalid: 1 }, queuedEvents: 0 });
    await expect(send(`${collector.url}/healthz`)).rejects.toThrow();
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

  it("says so through `failure` when its thread dies, and every beacon it acknowledged is in the store", async () => {
    const file = join(tempDir(), "rum.sqlite");
    const collector = await start(file);
    const beacons = Array.from({ length: 20 }, () => makeBeacon());
    const replies = await Promise.all(beacons.map((b) => postBeacon(`${collector.url}/rum`, b)));
    expect(replies.every((r) => r.status === 204)).toBe(true);
    await collector.terminateThread();
    const failure = await collector.failure;
    expect(failure).toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/collector's thread stopped/) });
    const kept = new Set(readStoredRows(file).map((r) => r.page_id));
    for (const b of beacons) expect(kept.has(b.pageId)).toBe(true);
    await expect(send(`${collector.url}/healthz`)).rejects.toThrow();
  });
});
