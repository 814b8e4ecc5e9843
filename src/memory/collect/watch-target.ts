/**
 * The process a memory watch looks at: a command we start (Node with its inspector, or any
 * other program), or a running process we attach to. Each gives a pid, a V8 session when it
 * is Node, a promise of its own end, and a way to leave it (stop what we started, detach
 * from what we found).
 */
import { fileURLToPath } from "node:url";
import { PerfError } from "../../core/errors.js";
import { CdpClient } from "../../profile/collect/cdp-client.js";
import { delay, describeExit, spawnProcess, terminateProcess, withTimeout, type StartedProcess } from "../../profile/collect/child-process.js";
import { assertExecutableExists, assertNodeScriptExists, insertNodeFlags, isNodeExecutable } from "../../profile/collect/node-command.js";
import { waitForInspectorUrl } from "../../profile/collect/inspector-url.js";
import { OutputRelay, isInspectorLine } from "../../profile/collect/output-relay.js";
import { isNodeProcess, readProcessInfo } from "../../profile/collect/proc-info.js";
import { isProcessRunning } from "./proc-memory.js";
import { createV8MemorySession, openV8MemorySession, type V8MemorySession } from "./v8-memory.js";

export interface WatchEnd {
  at: number;
  reason: string;
}

export interface WatchHandle {
  pid: number;
  command: string | null;
  session: V8MemorySession | null;
  /** True for a command we started (it is stopped when the watch ends). */
  started: boolean;
  notes: string[];
  /** Resolves when the target ends by itself. */
  ended: Promise<WatchEnd>;
  /** Only for a started Node program: lets it run (it waits for us at its first line until then). */
  run(): Promise<void>;
  /** Stops a started command; detaches from an attached process. Returns notes. */
  leave(): Promise<string[]>;
}

/** Shipped in profile/collect beside node-start.ts (the build copies it there), shared with it. */
const INSPECT_PRELOAD = fileURLToPath(new URL("../../profile/collect/inspect-preload.cjs", import.meta.url));
const ATTACHED_POLL_MS = 200;

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: "inherit" | "ignore";
  signal?: AbortSignal;
}

/** Starts `command`; a Node program starts paused with the inspector open so that GC is observed from its first line. */
export async function startWatchTarget(command: string[], options: StartOptions): Promise<WatchHandle> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  assertExecutableExists(command, cwd, env);
  const node = isNodeExecutable(command[0]!);
  if (node) assertNodeScriptExists(command, cwd);
  if (options.signal?.aborted) throw new PerfError("INTERRUPTED", "interrupted before the target was started");
  const argv = node ? insertNodeFlags(command, ["--require", INSPECT_PRELOAD]) : command;
  const started = spawnProcess(argv[0]!, argv.slice(1), {
    cwd,
    env: node ? { ...env, PERFSCOPE_INSPECT_ONCE: "1" } : env,
    stdio: ["ignore", options.stdio ?? "ignore", "pipe"],
  });
  const stderr = new OutputRelay(started.child.stderr!, options.stdio ?? "ignore", process.stderr, isInspectorLine);
  const notes: string[] = [];
  const text = command.join(" ");
  try {
    if (started.pid === undefined) await started.exited;
    const pid = started.pid!;
    const exitedAt = started.exited.then(
      (status) => ({ at: Date.now(), reason: `the target ${describeExit(status)}` }),
      (error: Error) => ({ at: Date.now(), reason: `the target could not run: ${error.message}` }),
    );
    if (!node) {
      notes.push(`not a Node.js command (${command[0]}): RSS from /proc only, no V8 heap figures`);
      return { pid, command: text, session: null, started: true, notes, ended: exitedAt, run: async () => undefined, leave: () => stopStarted(started, null) };
    }
    // Node waits for our disconnect once the program is done, and says so on stderr.
    const finished = new Promise<number>((resolve) => stderr.onLine((line) => line === "Waiting for the debugger to disconnect..." && resolve(Date.now())));
    const url = await waitForInspectorUrl(started, stderr, command, { signal: options.signal, purpose: "the watch" });
    const client = await CdpClient.connect(url);
    const session = await createV8MemorySession(client, pid, async () => {
      await client.close();
      return [];
    });
    const ended = Promise.race([
      exitedAt,
      Promise.race([finished, session.finished]).then(async (at) => {
        await client.close();
        const status = await withTimeout(started.exited, 5000, null);
        return { at, reason: status ? `the target ${describeExit(status)}` : "the target finished its work but did not exit" };
      }),
    ]);
    return {
      pid,
      command: text,
      session,
      started: true,
      notes,
      ended,
      run: async () => void (await client.send("Runtime.runIfWaitingForDebugger")),
      leave: () => stopStarted(started, session),
    };
  } catch (error) {
    if (!started.status) await terminateProcess(started);
    throw await explainStartError(error, started, command);
  }
}

async function stopStarted(started: StartedProcess, session: V8MemorySession | null): Promise<string[]> {
  if (session) await session.close();
  if (!started.status) await terminateProcess(started);
  return [];
}

/** Attaches to a running process: a V8 session when it is Node (a failure to open one becomes a note), /proc otherwise. */
export async function attachWatchTarget(pid: number, signal?: AbortSignal): Promise<WatchHandle> {
  if (!isProcessRunning(pid)) throw new PerfError("TARGET_NOT_FOUND", `no process with pid ${pid}`, { where: { pid }, hint: "check the pid with ps or pgrep -f <name>" });
  const info = readProcessInfo(pid);
  const notes: string[] = [];
  let session: V8MemorySession | null = null;
  if (isNodeProcess(info)) {
    try {
      session = await openV8MemorySession(pid, { signal });
      notes.push(...session.notes);
    } catch (error) {
      if (!(error instanceof PerfError) || error.code === "INTERRUPTED" || error.code === "TARGET_NOT_FOUND") throw error;
      notes.push(`V8 figures unavailable: ${error.message}; watching RSS only`);
    }
  } else notes.push(`not a Node.js process (${info.exe ?? info.cmdline?.[0] ?? "unknown executable"}): RSS from /proc only, no V8 heap figures`);
  // Once its program is done, a Node process waits for our disconnect to exit: let it go.
  void session?.finished.then(() => session?.close());
  const stopPolling = new AbortController();
  const ended = (async (): Promise<WatchEnd> => {
    while (!stopPolling.signal.aborted && isProcessRunning(pid)) await delay(ATTACHED_POLL_MS, stopPolling.signal);
    // Not our child: its exit status went to its parent, not to us.
    return { at: Date.now(), reason: `pid ${pid} exited (its exit status is unknown: perfscope did not start it)` };
  })();
  return {
    pid,
    command: info.cmdline ? info.cmdline.join(" ") : null,
    session,
    started: false,
    notes,
    ended,
    run: async () => undefined,
    leave: async () => {
      stopPolling.abort();
      return session ? session.close() : [];
    },
  };
}

async function explainStartError(error: unknown, started: StartedProcess, command: string[]): Promise<unknown> {
  if (error instanceof PerfError) return error;
  const spawnError = await started.exited.then(() => null, (e: unknown) => e as NodeJS.ErrnoException);
  if (spawnError?.code === "ENOENT") return new PerfError("TARGET_NOT_FOUND", `command not found: ${command[0]}`, { where: { file: command[0] }, cause: spawnError });
  if (spawnError?.code === "EACCES") return new PerfError("PERMISSION_DENIED", `not allowed to run ${command[0]}`, { where: { file: command[0] }, hint: "check the file's execute permission", cause: spawnError });
  return error;
}
