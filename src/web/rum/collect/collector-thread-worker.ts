/**
 * The worker side of collector-thread.ts: runs the collector (which starts its own intake
 * worker for the store) and reports to the thread that started it.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { startRumCollector } from "./collector.js";
import type { FromCollectorThread, RumCollectorThreadOptions, ToCollectorThread } from "./collector-thread.js";
import { serializeError } from "./intake-protocol.js";

/** How often the thread sends its stats to the thread that started it. */
const STATS_INTERVAL_MS = 1000;

async function main(port: MessagePort, options: RumCollectorThreadOptions): Promise<void> {
  const post = (message: FromCollectorThread): void => port.postMessage(message);
  let collector;
  try {
    collector = await startRumCollector({ ...options, onError: (error) => post({ type: "error", error: serializeError(error) }) });
  } catch (error) {
    post({ type: "start-failed", error: serializeError(error) });
    port.close();
    return;
  }
  const ticker = setInterval(() => post({ type: "stats", stats: collector.stats() }), STATS_INTERVAL_MS);
  port.on("message", (message: ToCollectorThread) => {
    if (message.type !== "close") return;
    clearInterval(ticker);
    void collector
      .close()
      .catch((error: unknown) => post({ type: "error", error: serializeError(error) }))
      .finally(() => {
        post({ type: "closed", stats: collector.stats() });
        port.close();
      });
  });
  post({ type: "listening", url: collector.url, port: collector.port, stats: collector.stats() });
}

if (parentPort === null) throw new Error("collector-thread-worker runs as a worker thread of perfscope rum serve");
await main(parentPort, workerData as RumCollectorThreadOptions);
