import { PerfError } from "../../core/errors.js";
import { delay, describeExit, withTimeout, type ExitStatus, type StartedProcess } from "./child-process.js";
import type { OutputRelay } from "./output-relay.js";

export interface WaitForInspectorUrlOptions {
  signal?: AbortSignal;
  /** What was about to start, for the interruption message: "profiling", "the watch". */
  purpose: string;
}

const INSPECTOR_URL_TIMEOUT_MS = 15_000;

/**
 * Waits for "Debugger listening on ws://..." on the stderr of a node we started with the
 * inspector open, and returns that URL. Fails when the process exits first, when the signal
 * aborts, or after a time limit (an inspector disabled by NODE_OPTIONS never says the line).
 */
export async function waitForInspectorUrl(started: StartedProcess, stderr: OutputRelay, command: readonly string[], options: WaitForInspectorUrlOptions): Promise<string> {
  const { signal } = options;
  const url = new Promise<string>((resolve) => {
    stderr.onLine((line) => {
      const m = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
  });
  // A private timer signal: listeners left on the caller's signal would pile up across runs.
  const timer = new AbortController();
  const onAbort = (): void => timer.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let result: string | { status: ExitStatus };
  try {
    result = await Promise.race([
      url,
      started.exited.then((status) => ({ status })),
      delay(INSPECTOR_URL_TIMEOUT_MS, timer.signal).then(() => (signal?.aborted ? "aborted" : "timeout")),
    ]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    timer.abort();
  }
  const where = started.pid !== undefined ? { pid: started.pid } : {};
  if (typeof result === "object") {
    // Bounded: a grandchild holding the pipe open must not keep us waiting.
    await withTimeout(stderr.whenEnded(), 2000, null);
    throw new PerfError("TARGET_EXITED", `${command.join(" ")} ${describeExit(result.status)} before the inspector started`, {
      where,
      hint: `its stderr ended with: ${stderr.tail().trim().slice(-500) || "(nothing)"}`,
    });
  }
  if (result === "aborted") throw new PerfError("INTERRUPTED", `interrupted before ${options.purpose} started`, { where });
  if (result === "timeout") {
    throw new PerfError("ATTACH_FAILED", `node did not open its inspector within ${INSPECTOR_URL_TIMEOUT_MS} ms`, {
      where,
      hint: "check that NODE_OPTIONS does not disable the inspector (--inspect-port, --disable-sigusr1) and that this node has the inspector (node:inspector)",
    });
  }
  return result;
}
