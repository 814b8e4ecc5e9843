import { PerfError } from "../../core/errors.js";
import type { CdpClient } from "../../profile/collect/cdp-client.js";
import { attachInspectorSession } from "../../profile/collect/inspector-attach.js";
import type { GcActivity, V8Memory } from "../model.js";
import { INSTALL_GC_OBSERVER, READ_MEMORY, parseV8Reading } from "./v8-expressions.js";

/** A live inspector session on a Node process, for memory readings (and, via `cdp`, heap snapshots and sampling). */
export interface V8MemorySession {
  readonly pid: number;
  /** The connection, for other memory modules (HeapProfiler snapshots and sampling). */
  readonly cdp: CdpClient;
  /** Limits found on the way (no GC observer, no heap spaces on this Node version). */
  readonly notes: string[];
  /** process.memoryUsage(), heap statistics and spaces, and GC counts since the observer was installed (null when it could not be). */
  read(timeoutMs?: number): Promise<{ v8: V8Memory; gc: GcActivity | null }>;
  /** A full GC in the target (HeapProfiler.collectGarbage). Changes what is measured: only on request. */
  collectGarbage(): Promise<void>;
  /**
   * Resolves (with the time) when the target's program has ended: Node then keeps the process
   * alive until every debugger disconnects, so a caller that sees this should close().
   */
  readonly finished: Promise<number>;
  /** Disconnects; closes the target's inspector if we opened it. Returns notes on anything left behind. */
  close(): Promise<string[]>;
}

export interface V8MemorySessionOptions {
  signal?: AbortSignal;
}

function evaluated(answer: Record<string, unknown>, what: string, pid: number): unknown {
  if (answer.exceptionDetails) {
    const text = (answer.exceptionDetails as { text?: unknown }).text;
    throw new PerfError("INTERNAL", `${what} threw inside pid ${pid}: ${String(text)}`, { where: { pid }, hint: "report this with the target's Node version" });
  }
  return (answer.result as { value?: unknown } | undefined)?.value;
}

function evaluate(client: CdpClient, expression: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  return client.send("Runtime.evaluate", { expression, returnByValue: true, includeCommandLineAPI: false, silent: true }, timeoutMs);
}

/**
 * Wraps a connected inspector session: installs the GC observer (once per target process)
 * and offers readings. `closeSession` is how the opener leaves the target (detach, or just
 * disconnect from a process we started and will stop).
 */
export async function createV8MemorySession(client: CdpClient, pid: number, closeSession: () => Promise<string[]>): Promise<V8MemorySession> {
  const notes: string[] = [];
  const installed = evaluated(await evaluate(client, INSTALL_GC_OBSERVER), "installing the GC observer", pid) as { error?: unknown } | undefined;
  if (installed?.error) notes.push(`GC activity of pid ${pid} is unknown: ${String(installed.error)}`);
  const finished = new Promise<number>((resolve) => client.on("NodeRuntime.waitingForDisconnect", () => resolve(Date.now())));
  // Without this Node just waits, silently, for us to go away once the program is done.
  await client.send("NodeRuntime.notifyWhenWaitingForDisconnect", { enabled: true }).catch(() => {
    notes.push(`this Node version cannot tell when pid ${pid}'s program ends while we are connected`);
  });
  let spacesNoted = false;
  let closed: Promise<string[]> | null = null;
  return {
    pid,
    cdp: client,
    notes,
    finished,
    async read(timeoutMs = 5000) {
      const reading = parseV8Reading(evaluated(await evaluate(client, READ_MEMORY, timeoutMs), "reading memory", pid));
      if (reading.spacesMissing && !spacesNoted) {
        spacesNoted = true;
        notes.push(`pid ${pid} runs a Node without process.getBuiltinModule: heap spaces and the heap limit are unknown`);
      }
      return { v8: reading.v8, gc: reading.gc };
    },
    async collectGarbage() {
      await client.send("HeapProfiler.collectGarbage", {}, 60_000);
    },
    close() {
      closed ??= closeSession();
      return closed;
    },
  };
}

/**
 * Opens a memory session on a running Node process: SIGUSR1 opens its inspector (checked as
 * for CPU profiling: loopback only, port not taken), the pid on the other end is confirmed,
 * and close() closes the inspector again so the process runs on with no port open. The GC
 * observer stays installed (it is tiny), so later sessions keep counting from its `since`.
 */
export async function openV8MemorySession(pid: number, options: V8MemorySessionOptions = {}): Promise<V8MemorySession> {
  const attached = await attachInspectorSession(pid, {
    signal: options.signal,
    notNodeHint: "V8 heap figures exist only for node; /proc figures (readProcMemory) work for any process",
  });
  try {
    return await createV8MemorySession(attached.client, pid, attached.detach);
  } catch (error) {
    await attached.detach().catch(() => undefined);
    throw error;
  }
}
