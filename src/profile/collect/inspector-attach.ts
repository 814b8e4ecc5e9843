import { PerfError } from "../../core/errors.js";
import { CdpClient } from "./cdp-client.js";
import { assertPidExists, withTimeout } from "./child-process.js";
import { openInspector, type OpenedInspector } from "./inspector-open.js";
import { isNodeProcess, readProcessInfo, type ProcessInfo } from "./proc-info.js";

/**
 * A session with a running Node process, reached by opening its inspector (SIGUSR1), with
 * the pid on the other end confirmed. Shared by the CPU, memory and allocation collectors.
 */
export interface InspectorSession {
  client: CdpClient;
  info: ProcessInfo;
  opened: OpenedInspector;
  /**
   * Leaves the target as found: closes an inspector we opened (and checks its port closed),
   * only disconnects from one that was open before. Safe to call more than once.
   * Returns notes on anything left open.
   */
  detach(): Promise<string[]>;
}

export interface AttachInspectorOptions {
  signal?: AbortSignal;
  /** Why this collector needs node: the hint when the pid is some other program. */
  notNodeHint: string;
}

// Ends the inspector from inside the target once our evaluate call has returned. Guarded so
// that it can never throw inside the target (an exception there would crash it).
const CLOSE_INSPECTOR_EXPRESSION = `(() => {
  const end = typeof process._debugEnd === "function" ? process._debugEnd : null;
  if (!end) return "unsupported";
  setImmediate(() => { try { end(); } catch {} });
  return "scheduled";
})()`;

function evaluateValue(client: CdpClient, expression: string, timeoutMs = 5000): Promise<unknown> {
  return client
    .send("Runtime.evaluate", { expression, returnByValue: true, includeCommandLineAPI: false, silent: true }, timeoutMs)
    .then((answer) => (answer.result as { value?: unknown } | undefined)?.value);
}

/**
 * Attaches to a running Node process: checks that it is node, opens its inspector (loopback
 * only, port not taken: see openInspector), connects and confirms the pid. On any failure an
 * inspector we opened is closed again before the error is thrown.
 */
export async function attachInspectorSession(pid: number, options: AttachInspectorOptions): Promise<InspectorSession> {
  if (!Number.isInteger(pid) || pid <= 0) throw new PerfError("USAGE", `not a process id: ${String(pid)}`, { hint: "pass the pid of a running node process" });
  assertPidExists(pid);
  const info = readProcessInfo(pid);
  if (!isNodeProcess(info)) {
    throw new PerfError("ATTACH_FAILED", `pid ${pid} is not a Node.js process (${info.exe ?? info.cmdline?.[0] ?? "unknown executable"})`, {
      where: { pid },
      hint: options.notNodeHint,
    });
  }
  const opened = await openInspector(info, options.signal);
  let client: CdpClient;
  try {
    client = await CdpClient.connect(opened.url);
  } catch (error) {
    throw await closeUnreachedInspector(error, opened);
  }
  try {
    const reported = await evaluateValue(client, "process.pid");
    if (reported !== pid) {
      // Someone else's inspector: disconnect without closing it, it is not ours to close.
      await client.close();
      throw new PerfError("ATTACH_FAILED", `the inspector on port ${opened.port} belongs to pid ${String(reported)}, not ${pid}`, {
        where: { pid, url: opened.url },
        hint: `another process holds port ${opened.port}; stop it, or start the target with --inspect-port=<free port>`,
      });
    }
  } catch (error) {
    if (!client.isClosed) await detachInspector(client, opened).catch(() => undefined);
    throw error;
  }
  const session = client;
  let detached: Promise<string[]> | null = null;
  return { client: session, info, opened, detach: () => (detached ??= detachInspector(session, opened)) };
}

/**
 * We opened the inspector but could not connect to close it through: try once more on a
 * fresh connection, and if that fails too, say in the error that the port may still be open.
 */
async function closeUnreachedInspector(error: unknown, opened: OpenedInspector): Promise<unknown> {
  if (opened.wasOpen) return error;
  const left = await CdpClient.connect(opened.url)
    .then((fresh) => detachInspector(fresh, opened))
    .catch(() => ["no connection"]);
  if (left.length === 0 || !(error instanceof PerfError)) return error;
  const note = `the inspector of pid ${opened.pid} may still be open on ${opened.host}:${opened.port} (it closes when the process restarts)`;
  return new PerfError(error.code, error.message, {
    where: error.where ?? {},
    hint: error.hint ? `${error.hint}. Note: ${note}` : `Note: ${note}`,
    cause: error.cause,
    partialFiles: error.partialFiles,
  });
}

async function detachInspector(client: CdpClient, opened: OpenedInspector): Promise<string[]> {
  if (opened.wasOpen || client.isClosed) {
    await client.close();
    return [];
  }
  const value = await evaluateValue(client, CLOSE_INSPECTOR_EXPRESSION).catch(() => null);
  // The target closes the connection itself; wait for that, then close our side anyway.
  if (value === "scheduled") await withTimeout(client.closed, 3000, null);
  await client.close();
  if (await opened.waitClosed(3000)) return [];
  return [
    value === "unsupported"
      ? `this Node version has no process._debugEnd: the inspector of pid ${opened.pid} stays open on port ${opened.port} until the process restarts`
      : `the inspector of pid ${opened.pid} was still listening on port ${opened.port} after detaching`,
  ];
}
