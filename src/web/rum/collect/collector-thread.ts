/**
 * The RUM collector in a worker thread of its own: the same collector (collector.ts), with its
 * HTTP thread a worker that can be given a capped young generation. V8 grows the main thread's
 * semi-spaces to 16 MB each under a flood, and only a start-up flag can stop it there; in a
 * worker, `resourceLimits` does it. Measured in alternating rounds: 143 MB peak RSS instead of
 * 157–178 MB at 27–32k beacons/s, at the same rate. `perfscope rum serve` runs this way.
 *
 * The thread reports its stats every second and when it has closed, so stats() is at most a
 * second old while it serves, and exact once close() resolved. If the thread dies, `failure`
 * resolves with the reason; the beacons it had acknowledged are in the store.
 */
import type { Worker } from "node:worker_threads";
import { PerfError } from "../../../core/errors.js";
import { spawnWorkerThread } from "../../../core/spawn-worker-thread.js";
import { withTimeout } from "../../../profile/collect/child-process.js";
import type { RumCollector, RumCollectorOptions, RumCollectorStats } from "./collector.js";
import { resolveCollectorOptions } from "./collector-options.js";
import { rebuildError, type SerializedError } from "./intake-protocol.js";
import { COLLECTOR_YOUNG_GENERATION_MB } from "./threaded-intake.js";

/** Options as for startRumCollector, with the store given by path or URL (the thread opens it). */
export type RumCollectorThreadOptions = Omit<RumCollectorOptions, "store"> & { store: string };

export interface RumCollectorThread extends RumCollector {
  /** The worker thread's id (threadId in node:worker_threads). */
  threadId: number;
  /** Resolves with the reason if the thread dies while it serves (not once close() was called). */
  failure: Promise<PerfError>;
  /** Ends the thread abruptly, as a crash would (for tests of what survives one). */
  terminateThread(): Promise<void>;
}

export type ToCollectorThread = { type: "close" };
export type FromCollectorThread =
  | { type: "listening"; url: string; port: number; stats: RumCollectorStats }
  | { type: "start-failed"; error: SerializedError }
  | { type: "stats"; stats: RumCollectorStats }
  | { type: "error"; error: SerializedError }
  | { type: "closed"; stats: RumCollectorStats };

/** close(): the collector's own grace (5 s) and intake close (up to 30 s), then the thread is ended. */
const CLOSE_TIMEOUT_MS = 40_000;
const TIMED_OUT = Symbol("timed out");

function describeCrash(crash: unknown, code: number | undefined): string {
  const reason = crash === undefined ? "" : `: ${crash instanceof Error ? crash.message : String(crash)}`;
  return `exit code ${code}${reason}`;
}

/** Starts the collector in its own worker thread and resolves once it listens. Throws as startRumCollector does. */
export async function startRumCollectorThread(options: RumCollectorThreadOptions): Promise<RumCollectorThread> {
  const { onError = () => undefined, ...data } = options;
  if (typeof data.store !== "string") {
    throw new PerfError("USAGE", "RUM collector thread: the store must be a SQLite path or postgres:// URL (the thread opens it)", { hint: "pass a store object to startRumCollector instead" });
  }
  // Bad options fail here, before a thread is spawned.
  resolveCollectorOptions(options);
  let worker: Worker;
  try {
    worker = spawnWorkerThread(import.meta.url, "collector-thread-worker", { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: COLLECTOR_YOUNG_GENERATION_MB } });
  } catch (error) {
    // A function or other uncloneable value in the options (DataCloneError).
    throw new PerfError("USAGE", `RUM collector thread: its options cannot be sent to a thread (${error instanceof Error ? error.message : String(error)})`, { hint: "options must be plain data (strings, numbers, RegExps); only onError may be a function", cause: error });
  }
  let latest: RumCollectorStats | undefined;
  let listening = false;
  let closing: Promise<void> | undefined;
  let closedCleanly = false;
  let markClosed!: () => void;
  const closedMessage = new Promise<void>((resolve) => (markClosed = resolve));
  let reportFailure!: (error: PerfError) => void;
  const failure = new Promise<PerfError>((resolve) => (reportFailure = resolve));
  let crash: unknown;
  let exitCode: number | undefined;
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  worker.on("error", (error) => (crash = error));

  const started = new Promise<{ url: string; port: number }>((resolve, reject) => {
    worker.on("message", (message: FromCollectorThread) => {
      switch (message.type) {
        case "listening":
          listening = true;
          latest = message.stats;
          return resolve({ url: message.url, port: message.port });
        case "start-failed":
          return reject(rebuildError(message.error, "INTERNAL"));
        case "stats":
          latest = message.stats;
          return;
        case "error":
          return onError(rebuildError(message.error, "INTERNAL"));
        case "closed":
          latest = message.stats;
          closedCleanly = true;
          return markClosed();
      }
    });
    void exited.then(() => {
      if (!listening) {
        reject(new PerfError("INTERNAL", `RUM collector: its thread stopped before it listened (${describeCrash(crash, exitCode)})`, { hint: "check that perfscope is installed completely (npm ci) and run again", ...(crash ? { cause: crash } : {}) }));
      } else if (closing === undefined) {
        reportFailure(new PerfError("INTERNAL", `RUM collector: its thread stopped (${describeCrash(crash, exitCode)})`, { hint: "every beacon answered 204 is in the store; start the collector again", ...(crash ? { cause: crash } : {}) }));
      }
    });
  });
  let where: { url: string; port: number };
  try {
    where = await started;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  async function closeThread(): Promise<void> {
    // A thread that stopped already has nothing to close (failure said why).
    if (exitCode !== undefined) return;
    worker.postMessage({ type: "close" } satisfies ToCollectorThread);
    const timedOut = (await withTimeout(Promise.race([closedMessage, exited]), CLOSE_TIMEOUT_MS, TIMED_OUT)) === TIMED_OUT;
    if (timedOut) await worker.terminate();
    if (closedCleanly) {
      // It ends by itself once its handles are closed; one that lingers is ended.
      if ((await withTimeout(exited, 1000, TIMED_OUT)) === TIMED_OUT) await worker.terminate();
      return;
    }
    const error = timedOut
      ? new PerfError("TIMEOUT", `RUM collector: its thread did not close within ${CLOSE_TIMEOUT_MS / 1000} s and was ended`, { hint: "a store write hung (check the disk or the database); every beacon answered 204 is in the store" })
      : new PerfError("INTERNAL", `RUM collector: its thread stopped while closing (${describeCrash(crash, exitCode)})`, { hint: "every beacon answered 204 is in the store; the counts are those of the last second", ...(crash ? { cause: crash } : {}) });
    throw error;
  }

  return {
    ...where,
    threadId: worker.threadId,
    failure,
    stats: () => structuredClone(latest as RumCollectorStats),
    close: () => (closing ??= closeThread()),
    terminateThread: async () => {
      await worker.terminate();
    },
  };
}
