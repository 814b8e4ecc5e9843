/** Starts one load worker thread (worker.ts / worker.js next to this file). */
import type { Worker } from "node:worker_threads";
import { spawnWorkerThread } from "../../core/spawn-worker-thread.js";
import type { WorkerConfig } from "./worker-protocol.js";

export function spawnLoadWorker(config: WorkerConfig): Worker {
  return spawnWorkerThread(import.meta.url, "worker", { workerData: config });
}
