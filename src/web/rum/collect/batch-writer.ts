/**
 * Group commit: the events of many beacons go to the store in one `insertEvents` call
 * (one transaction), and each beacon is told only after the batch holding its events has
 * committed, so "acknowledged" always means "kept". One write is in flight at a time;
 * beacons arriving meanwhile form the next batch. The queue is bounded: when the store
 * falls behind, `enqueue` says no and the caller sheds the beacon instead of holding it.
 */
import type { RumEvent, RumStore } from "../model.js";

/** Called once per beacon: true when its events are committed, false when the write failed. */
export type WriteDone = (committed: boolean) => void;

export interface BatchWriterOptions {
  store: RumStore;
  /** A batch closes at this many events (a beacon's events are never split). */
  maxEvents: number;
  /** ...or this long after its first beacon arrived (sooner once beacons stop coming). */
  maxDelayMs: number;
  /** Events queued or being written, at most. */
  maxQueuedEvents: number;
  onError?: (error: unknown) => void;
}

export interface BatchWriterStats {
  queuedEvents: number;
  eventsWritten: number;
  batches: number;
  failedBatches: number;
}

export interface BatchWriter {
  /** Queues one beacon's events; false (and `done` never called) when the queue is full. */
  enqueue(events: RumEvent[], done: WriteDone): boolean;
  /** Whether `count` more events would fit now. */
  hasRoom(count: number): boolean;
  /**
   * Writes everything queued now, and from now on writes new beacons without lingering;
   * resolves when the queue is empty and no write is in flight.
   */
  drain(): Promise<void>;
  stats(): BatchWriterStats;
}

export function createBatchWriter(options: BatchWriterOptions): BatchWriter {
  const { store, maxEvents, maxDelayMs, maxQueuedEvents } = options;
  let pendingEvents: RumEvent[] = [];
  let pendingDone: WriteDone[] = [];
  let pendingCounts: number[] = [];
  let inFlightEvents = 0;
  let writing = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let quietCheck: NodeJS.Immediate | undefined;
  let arrivedThisTurn = false;
  let idleWaiters: Array<() => void> = [];
  /** Once drain() was called, nothing lingers any more: the collector is closing. */
  let draining = false;
  const stats = { eventsWritten: 0, batches: 0, failedBatches: 0 };

  function takeBatch(): { events: RumEvent[]; done: WriteDone[] } {
    // Whole beacons only, up to maxEvents (always at least one beacon).
    let beacons = 0;
    let events = 0;
    while (beacons < pendingCounts.length) {
      const next = pendingCounts[beacons] as number;
      if (beacons > 0 && events + next > maxEvents) break;
      events += next;
      beacons++;
    }
    if (beacons === pendingCounts.length) {
      // The common case: the whole queue is the batch, swap the arrays instead of copying.
      const batch = { events: pendingEvents, done: pendingDone };
      pendingEvents = [];
      pendingDone = [];
      pendingCounts = [];
      return batch;
    }
    const batch = { events: pendingEvents.splice(0, events), done: pendingDone.splice(0, beacons) };
    pendingCounts.splice(0, beacons);
    return batch;
  }

  /**
   * Linger only while beacons keep coming: a turn of the event loop that brought none means
   * waiting longer would only add latency, so the batch goes now. Under steady traffic
   * every turn brings some, and maxEvents or maxDelayMs closes the batch instead.
   */
  function checkQuiet(): void {
    quietCheck = undefined;
    if (writing || pendingDone.length === 0) return;
    if (!arrivedThisTurn) return flush();
    arrivedThisTurn = false;
    quietCheck = setImmediate(checkQuiet);
  }

  function settle(done: readonly WriteDone[], committed: boolean): void {
    for (const d of done) {
      try {
        d(committed);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  function afterWrite(): void {
    writing = false;
    inFlightEvents = 0;
    if (pendingDone.length > 0) {
      // These beacons already waited for a whole write: go again once pending I/O has run,
      // so the requests that arrived meanwhile join this batch.
      immediate ??= setImmediate(flush);
    } else {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    if (quietCheck !== undefined) clearImmediate(quietCheck);
    timer = undefined;
    immediate = undefined;
    quietCheck = undefined;
    if (writing || pendingDone.length === 0) return;
    const batch = takeBatch();
    writing = true;
    inFlightEvents = batch.events.length;
    let written: Promise<void>;
    try {
      written = store.insertEvents(batch.events);
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(
      () => {
        stats.eventsWritten += batch.events.length;
        stats.batches++;
        afterWrite();
        settle(batch.done, true);
      },
      (error: unknown) => {
        stats.failedBatches++;
        options.onError?.(error);
        afterWrite();
        settle(batch.done, false);
      },
    );
  }

  return {
    enqueue(events, done) {
      if (pendingEvents.length + inFlightEvents + events.length > maxQueuedEvents) return false;
      for (const e of events) pendingEvents.push(e);
      pendingDone.push(done);
      pendingCounts.push(events.length);
      if (writing) return true;
      if (pendingEvents.length >= maxEvents || maxDelayMs === 0 || draining) {
        // A full batch (or no lingering wanted): write once this turn's other requests are in.
        immediate ??= setImmediate(flush);
      } else {
        timer ??= setTimeout(flush, maxDelayMs);
        arrivedThisTurn = true;
        quietCheck ??= setImmediate(checkQuiet);
      }
      return true;
    },
    hasRoom: (count) => pendingEvents.length + inFlightEvents + count <= maxQueuedEvents,
    drain() {
      draining = true;
      if (!writing && pendingDone.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        flush();
      });
    },
    stats: () => ({ queuedEvents: pendingEvents.length + inFlightEvents, ...stats }),
  };
}
