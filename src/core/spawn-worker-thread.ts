/**
 * Starts a worker thread from a module next to the caller. The built package runs the
 * compiled `<name>.js`; when the library runs from its TypeScript sources (vitest), the
 * worker gets a small loader (load/engine/dev-ts-register.mjs, which uses the `typescript`
 * dev dependency) so it can load the .ts modules.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

/** `callerUrl` is the caller's import.meta.url; `name` the worker module's base name. */
export function spawnWorkerThread(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  return new Worker(new URL(`./${name}.ts`, callerUrl), {
    ...options,
    execArgv: [...(options.execArgv ?? process.execArgv), "--import", new URL("../load/engine/dev-ts-register.mjs", import.meta.url).href],
  });
}
