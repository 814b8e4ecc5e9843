/**
 * Starts one load worker thread. The built package runs the compiled worker.js; when the
 * library itself runs from its TypeScript sources (vitest), the worker gets a small loader
 * (dev-ts-hooks.mjs, which uses the `typescript` dev dependency) to load the .ts modules.
 */
import { Worker } from "node:worker_threads";
import type { WorkerConfig } from "./worker-protocol.js";

export function spawnLoadWorker(config: WorkerConfig): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  if (!fromSource) return new Worker(new URL("./worker.js", import.meta.url), { workerData: config });
  return new Worker(new URL("./worker.ts", import.meta.url), {
    workerData: config,
    execArgv: [...process.execArgv, "--import", new URL("./dev-ts-register.mjs", import.meta.url).href],
  });
}
