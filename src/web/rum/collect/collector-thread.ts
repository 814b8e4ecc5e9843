/**
 * The RUM collector in a worker thread of its own: the same collector (collector.ts), with its
 * HTTP thread a worker that can be given a capped young generation. V8 grows the main thread's
 * semi-spaces to 16 MB each under a flood, and only a start-up flag can stop it there; in a
 * worker, `resourceLimits` does it. Measured in alternating rounds: 143 MB peak RSS instead of
 * 157–178 MB at 27–32k beacons/s, at the same rate. `perfscope rum serve` runs this way.
 *
 * The thread reports its stats every second and when it closes, so stats() is at most a
 * second old while it runs and exact after close(). If the thread dies, `failure` resolves
 * with the reason; the beacons it had acknowledged are in the store.
 */
import { PerfError } from "../../../core/errors.js";
import { spawnWorkerThread } from "../../../core/spawn-worker-thread.js";
import type { RumCollector, RumCollectorOptions, RumCollectorStats } from "./collector.js";
import { rebuildError, type SerializedError } from "./intake-protocol.js";
import { COLLECTOR_YOUNG_GENERATION_MB } from "./threaded-intake.js";

/** Options as for startRumCollector, with the store given by path or URL (the thread opens it). */
export type RumCollectorThreadOptions = Omit<RumCollectorOptions, "store"> & { store: string };

export interface RumCollectorThread extends RumCollector {
  /** Resolves with the reason if the collector's thread dies on its own (never after close()). */
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

/** How often the thread sends its stats. */
export const STATS_INTERVAL_MS = 1000;
/** close(): the collector's own grace (5 s) and intake close (up to 30 s), then the thread is ended. */
const CLOSE_TIMEOUT_MS = 40_000;

/** Starts the collector in its own worker thread and resolves once it listens. Throws as startRumCollector does. */
export async function startRumCollectorThread(options: RumCollectorThreadOptions): Promise<RumCollectorThread> {
  const { onError = () => undefined, ...data } = options;
  if (typeof data.store !== "string") {
    throw new PerfError("USAGE", "the collector thread opens its store itself: give a SQLite path or postgres:// URL", { hint: "pass a store object to startRumCollector instead" });
  }
  const worker = spawnWorkerThread(import.meta.url, "collector-thread-worker", { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: COLLECTOR_YOUNG_GENERATION_MB } });
  let latest: RumCollectorStats | undefined;
  let closing = false;
  let reportFailure!: (error: PerfError) => void;
  const failure = new Promise<PerfError>((resolve) => (reportFailure = resolve));
  let markClosed!: () => void;
  const closedMessage = new Promise<void>((resolve) => (markClosed = resolve));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));

  const started = new Promise<{ url: string; port: number }>((resolve, reject) => {
    worker.on("message", (message: FromCollectorThread) => {
      switch (message.type) {
        case "listening":
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
          return markClosed();
      }
    });
    let crash: Error | undefined;
    worker.on("error", (error) => (crash = error));
    worker.on("exit", (code) => {
      const error = new PerfError("INTERNAL", `the RUM collector's thread stopped (exit code ${code}${crash ? `: ${crash.message}` : ""})`, {
        hint: "every beacon answered 204 is in the store; restart perfscope rum serve",
        ...(crash ? { cause: crash } : {}),
      });
      reject(error);
      if (!closing) reportFailure(error);
    });
  });
  const { url, port } = await started;

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    worker.postMessage({ type: "close" } satisfies ToCollectorThread);
    await settleWithin(Promise.race([closedMessage, exited]), CLOSE_TIMEOUT_MS, () => void worker.terminate());
    // The thread ends by itself once its handles are closed; one that lingers is ended.
    await settleWithin(exited, 1000, () => void worker.terminate());
  }

  const terminateThread = async (): Promise<void> => {
    await worker.terminate();
  };
  return { url, port, failure, stats: () => latest as RumCollectorStats, close, terminateThread };
}

/** Waits for `promise`, calling `onTimeout` if it has not settled within `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  const timer = setTimeout(onTimeout, ms);
  await promise;
  clearTimeout(timer);
}
