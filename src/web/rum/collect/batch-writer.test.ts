import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RumEvent } from "../model.js";
import { createBatchWriter } from "./batch-writer.js";
import { openTempStore, readStoredRows, type TempStore } from "./test-helpers/collector-kit.js";

let temp: TempStore;
beforeEach(async () => {
  temp = await openTempStore();
});
afterEach(async () => {
  await temp.cleanup();
});

function eventsOf(pageId: string, count: number): RumEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: Date.UTC(2025, 2, 10, 12) + i,
    pageId,
    metric: "TTFB",
    value: 100 + i,
    rating: "good",
    route: "/",
    url: "https://a.example/",
    device: "desktop",
    connection: "4g",
    navigationType: "navigate",
  }));
}

function enqueueAll(writer: ReturnType<typeof createBatchWriter>, beacons: number, perBeacon: number): Promise<boolean[]> {
  return Promise.all(
    Array.from({ length: beacons }, (_, b) => new Promise<boolean>((resolve) => {
      expect(writer.enqueue(eventsOf(`p${b}`, perBeacon), resolve)).toBe(true);
    })),
  );
}

describe("createBatchWriter", () => {
  it("writes many beacons in one transaction and tells each only after the commit", async () => {
    const writer = createBatchWriter({ store: temp.store, maxEvents: 500, maxDelayMs: 20, maxQueuedEvents: 10_000 });
    let seenAtFirstAck = -1;
    const done = Promise.all(
      Array.from({ length: 50 }, (_, b) => new Promise<boolean>((resolve) => {
        writer.enqueue(eventsOf(`p${b}`, 4), (ok) => {
          if (seenAtFirstAck < 0) seenAtFirstAck = readStoredRows(temp.file).length;
          resolve(ok);
        });
      })),
    );
    expect(await done).toEqual(Array.from({ length: 50 }, () => true));
    expect(seenAtFirstAck).toBe(200);
    expect(writer.stats()).toMatchObject({ eventsWritten: 200, batches: 1, queuedEvents: 0 });
  });

  it("closes a batch at maxEvents without splitting a beacon", async () => {
    const writer = createBatchWriter({ store: temp.store, maxEvents: 10, maxDelayMs: 5, maxQueuedEvents: 10_000 });
    expect(await enqueueAll(writer, 9, 4)).toEqual(Array.from({ length: 9 }, () => true));
    // 36 events, 4 per beacon, at most 10 a batch: 8 + 8 + 8 + 8 + 4.
    expect(writer.stats()).toMatchObject({ eventsWritten: 36, batches: 5 });
    const rows = readStoredRows(temp.file);
    expect(rows).toHaveLength(36);
  });

  it("refuses events beyond maxQueuedEvents and takes them again once written", async () => {
    const writer = createBatchWriter({ store: temp.store, maxEvents: 500, maxDelayMs: 50, maxQueuedEvents: 20 });
    const first = enqueueAll(writer, 5, 4);
    expect(writer.hasRoom(1)).toBe(false);
    expect(writer.enqueue(eventsOf("late", 1), () => undefined)).toBe(false);
    await first;
    expect(writer.hasRoom(20)).toBe(true);
    expect(await enqueueAll(writer, 1, 4)).toEqual([true]);
    expect(readStoredRows(temp.file).map((r) => r.page_id)).not.toContain("late");
  });

  it("reports a failed write to every beacon in it, and recovers for the next", async () => {
    const errors: unknown[] = [];
    const writer = createBatchWriter({ store: temp.store, maxEvents: 500, maxDelayMs: 1, maxQueuedEvents: 1000, onError: (e) => errors.push(e) });
    // A real failure: the store's own check refuses an event with a negative value.
    const bad = eventsOf("bad", 2);
    bad[1]!.value = -5;
    const results = await Promise.all([
      new Promise<boolean>((resolve) => writer.enqueue(eventsOf("good-but-same-batch", 2), resolve)),
      new Promise<boolean>((resolve) => writer.enqueue(bad, resolve)),
    ]);
    expect(results).toEqual([false, false]);
    expect(errors).toHaveLength(1);
    expect(writer.stats()).toMatchObject({ failedBatches: 1, eventsWritten: 0, queuedEvents: 0 });
    expect(await enqueueAll(writer, 2, 3)).toEqual([true, true]);
    expect(readStoredRows(temp.file)).toHaveLength(6);
  });

  it("does not linger when no more beacons come: a lone beacon is written at once", async () => {
    const writer = createBatchWriter({ store: temp.store, maxEvents: 500, maxDelayMs: 60_000, maxQueuedEvents: 1000 });
    const t0 = Date.now();
    expect(await enqueueAll(writer, 1, 4)).toEqual([true]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(readStoredRows(temp.file)).toHaveLength(4);
  });

  it("drain() writes at once what is lingering and resolves when it is written", async () => {
    const writer = createBatchWriter({ store: temp.store, maxEvents: 500, maxDelayMs: 60_000, maxQueuedEvents: 1000 });
    const acks = enqueueAll(writer, 3, 4);
    const t0 = Date.now();
    await writer.drain();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(readStoredRows(temp.file)).toHaveLength(12);
    expect(await acks).toEqual([true, true, true]);
  });
});
