/**
 * The beacon intake on a second core: the HTTP thread hands each body (as text) to a worker
 * thread that owns the store and does the parsing, validation and writing. Bodies go over in
 * one message per turn of the event loop; outcomes come back one message per written batch
 * (and one per handed-over batch for bodies refused at once).
 *
 * Memory stays bounded on this side too: bodies handed over and not yet answered are capped
 * (count and bytes); past the cap hasRoom() says no and the collector sheds with 503. If the
 * worker dies, its waiting beacons get 503 (never a false 204), the error is reported, and a
 * new worker is started after a pause.
 */
import type { Worker } from "node:worker_threads";
import { PerfError } from "../../../core/errors.js";
import { spawnWorkerThread } from "../../../core/spawn-worker-thread.js";
import { BUSY, STORED, WRITE_FAILED, type BeaconIntake, type IntakeOutcome, type IntakeStats } from "./beacon-intake.js";
import type { DeviceHeaders } from "./classify-device.js";
import { rebuildError, type DeviceHints, type FromIntakeWorker, type IntakeWorkerData, type OutcomeCode, type ToIntakeWorker } from "./intake-protocol.js";

/** Body bytes handed to the worker and not yet answered, at most. */
export const MAX_TRANSIT_BYTES = 8 * 1024 * 1024;
/** How long after a worker died a new one is started (doubling, up to the max, while starts fail). */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** How long close() waits for the worker to write its queue and close the store before ending it. */
const CLOSE_TIMEOUT_MS = 30_000;
/**
 * The young generation of each collector thread (this worker, and the HTTP thread when it runs
 * in one: collector-thread.ts). V8 makes each semi-space a third of it, so 12 MB means 4 MB
 * semi-spaces. Left to itself V8 grows them to 16 MB each under a steady flood (any steady
 * count of survivors pushes them up); capping the intake thread alone took the collector from
 * 176–185 MB peak RSS to 156–162 MB, at the same rate.
 */
export const COLLECTOR_YOUNG_GENERATION_MB = 12;

export interface ThreadedIntake extends BeaconIntake {
  /** Writes what is queued, closes the store and ends the worker. */
  close(): Promise<void>;
  /** Ends the worker abruptly, as a crash would (for tests of the recovery). */
  terminateWorker(): Promise<void>;
}

function decodeOutcome(code: OutcomeCode): IntakeOutcome {
  if (code === 0) return STORED;
  if (code === 1) return BUSY;
  if (code === 2) return WRITE_FAILED;
  return { kind: "invalid", error: code };
}

function hintsOf(headers: DeviceHeaders): DeviceHints {
  const ua = headers["user-agent"];
  const mobile = headers["sec-ch-ua-mobile"];
  if (ua === undefined && mobile === undefined) return null;
  // Bounded: the worker needs the device class, not a 16 KB header.
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)?.slice(0, 512);
  return { "user-agent": first(ua), "sec-ch-ua-mobile": first(mobile) };
}

/** Starts the worker and resolves once its store is open; rejects with the store's error otherwise. */
export async function startThreadedIntake(data: IntakeWorkerData, onError: (error: unknown) => void): Promise<ThreadedIntake> {
  let worker: Worker;
  let alive = false;
  let closing = false;
  let stats: IntakeStats = { queuedEvents: 0, eventsWritten: 0, batches: 0, failedBatches: 0 };
  /** Counts from workers that died: a new worker counts from zero. */
  let carried = { eventsWritten: 0, batches: 0, failedBatches: 0 };
  let starting: Promise<void> | undefined;
  let restartDelay = RESTART_DELAY_MS;
  const waiting = new Map<number, { done: (outcome: IntakeOutcome) => void; bytes: number }>();
  let transitBytes = 0;
  let nextId = 0;
  let pending: { ids: number[]; bodies: string[]; hints: DeviceHints[] } = { ids: [], bodies: [], hints: [] };
  let flushScheduled = false;
  let drainToken = 0;
  const drains = new Map<number, () => void>();
  let closed: (() => void) | undefined;

  const settle = (id: number, outcome: IntakeOutcome): void => {
    const entry = waiting.get(id);
    if (entry === undefined) return;
    waiting.delete(id);
    transitBytes -= entry.bytes;
    entry.done(outcome);
  };

  const flush = (): void => {
    flushScheduled = false;
    if (pending.ids.length === 0 || !alive) return;
    worker.postMessage({ type: "beacons", ...pending } satisfies ToIntakeWorker);
    pending = { ids: [], bodies: [], hints: [] };
  };

  const onMessage = (message: FromIntakeWorker): void => {
    switch (message.type) {
      case "outcomes":
        stats = message.stats;
        for (let i = 0; i < message.ids.length; i++) settle(message.ids[i] as number, decodeOutcome(message.outcomes[i] as OutcomeCode));
        return;
      case "drained":
        stats = message.stats;
        drains.get(message.token)?.();
        drains.delete(message.token);
        return;
      case "closed":
        stats = message.stats;
        closed?.();
        return;
      case "error":
        onError(rebuildError(message.error, "INTERNAL"));
        return;
      default:
        return;
    }
  };

  /** The worker is gone: nothing it held was acknowledged, so those beacons get 503. */
  const onDeath = (error: unknown): void => {
    if (!alive) return;
    alive = false;
    for (const id of [...waiting.keys()]) settle(id, WRITE_FAILED);
    for (const id of pending.ids) settle(id, WRITE_FAILED);
    pending = { ids: [], bodies: [], hints: [] };
    for (const resolve of drains.values()) resolve();
    drains.clear();
    closed?.();
    // Its queue died with it: a full queue reported last must not keep the next worker idle.
    carried = { eventsWritten: carried.eventsWritten + stats.eventsWritten, batches: carried.batches + stats.batches, failedBatches: carried.failedBatches + stats.failedBatches };
    stats = { queuedEvents: 0, eventsWritten: 0, batches: 0, failedBatches: 0 };
    if (closing) return;
    onError(new PerfError("INTERNAL", `RUM collector: the intake thread stopped (${error instanceof Error ? error.message : String(error)}); beacons get 503 until it is restarted in ${restartDelay} ms`, { cause: error }));
    scheduleRestart();
  };

  const scheduleRestart = (): void => {
    setTimeout(() => {
      if (closing) return;
      starting = spawn().then(
        () => {
          restartDelay = RESTART_DELAY_MS;
        },
        (error: unknown) => {
          restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
          onError(new PerfError("INTERNAL", `RUM collector: the intake thread could not start again (${error instanceof Error ? error.message : String(error)}); next try in ${restartDelay} ms`, { cause: error }));
          scheduleRestart();
        },
      );
    }, restartDelay).unref();
  };

  function spawn(): Promise<void> {
    const w = spawnWorkerThread(import.meta.url, "intake-worker", { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: COLLECTOR_YOUNG_GENERATION_MB } });
    worker = w;
    return new Promise<void>((resolve, reject) => {
      const first = (message: FromIntakeWorker): void => {
        if (message.type === "ready") {
          alive = true;
          w.on("message", onMessage);
          w.on("error", (error) => onDeath(error));
          w.on("exit", (code) => onDeath(new Error(`exit code ${code}`)));
          resolve();
        } else if (message.type === "open-failed") {
          reject(rebuildError(message.error, "INTERNAL"));
        } else {
          w.once("message", first);
        }
      };
      w.once("message", first);
      w.once("error", reject);
      w.once("exit", (code) => reject(new PerfError("INTERNAL", `RUM collector: the intake thread exited (code ${code}) before its store was open`)));
    });
  }

  await spawn();

  return {
    submit(text, headers, done) {
      if (!alive) return done(WRITE_FAILED);
      const id = nextId++;
      const bytes = text.length;
      waiting.set(id, { done, bytes });
      transitBytes += bytes;
      pending.ids.push(id);
      pending.bodies.push(text);
      pending.hints.push(hintsOf(headers));
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    isUp: () => alive,
    hasRoom: () => alive && transitBytes < MAX_TRANSIT_BYTES && waiting.size < data.maxQueuedEvents && stats.queuedEvents < data.maxQueuedEvents,
    drain() {
      flush();
      if (!alive) return Promise.resolve();
      const token = ++drainToken;
      return new Promise<void>((resolve) => {
        drains.set(token, resolve);
        worker.postMessage({ type: "drain", token } satisfies ToIntakeWorker);
      });
    },
    stats: () => ({
      queuedEvents: stats.queuedEvents + pending.ids.length,
      eventsWritten: carried.eventsWritten + stats.eventsWritten,
      batches: carried.batches + stats.batches,
      failedBatches: carried.failedBatches + stats.failedBatches,
    }),
    async close() {
      closing = true;
      // A worker being restarted comes up first, so it is closed rather than left running.
      await starting?.catch(() => undefined);
      flush();
      if (!alive) return;
      const done = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: "close" } satisfies ToIntakeWorker);
      const timer = setTimeout(() => {
        onError(new PerfError("TIMEOUT", `RUM collector: the intake thread did not finish writing and close the store within ${CLOSE_TIMEOUT_MS / 1000} s; ending it`));
        void worker.terminate();
      }, CLOSE_TIMEOUT_MS);
      await done;
      clearTimeout(timer);
      alive = false;
    },
    async terminateWorker() {
      await worker.terminate();
    },
  };
}
