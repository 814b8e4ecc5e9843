import { PerfError } from "../../core/errors.js";
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

/** How a started process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process we started, with its end as a promise (exit, or a spawn error such as ENOENT). */
export interface StartedProcess {
  child: ChildProcess;
  pid: number | undefined;
  /** Resolves when the process has exited; rejects with the spawn error if it never started. */
  exited: Promise<ExitStatus>;
  /** Set once exited resolves. */
  status: ExitStatus | null;
}

// Children run in their own process group (see spawnProcess), so a terminal Ctrl-C reaches
// only us; if we die first, this hook still takes them down with us.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    try {
      process.kill(pgid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Starts a process in its own process group: Ctrl-C in the terminal then interrupts only
 * perfscope, which stops the profiler cleanly instead of the target dying with its data.
 */
export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions): StartedProcess {
  installExitHook();
  const child = spawn(command, args, { ...options, detached: true });
  const started: StartedProcess = { child, pid: child.pid, exited: Promise.resolve({ code: null, signal: null }), status: null };
  started.exited = new Promise<ExitStatus>((resolve, reject) => {
    child.once("error", (error) => {
      if (child.pid === undefined) reject(error);
    });
    child.once("exit", (code, signal) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      started.status = { code, signal };
      resolve(started.status);
    });
  });
  // Callers await `exited` at different times; never let an early spawn error go unhandled.
  started.exited.catch(() => undefined);
  if (child.pid !== undefined) liveGroups.add(child.pid);
  return started;
}

/** Sends `signal` to the process group, then SIGKILL if it is still alive after `graceMs`. */
export async function terminateProcess(started: StartedProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 2000): Promise<ExitStatus | null> {
  if (started.pid === undefined || started.status) return started.status;
  killGroup(started.pid, signal);
  const status = await withTimeout(started.exited.catch(() => null), graceMs, undefined);
  if (status !== undefined) return status;
  killGroup(started.pid, "SIGKILL");
  return started.exited.catch(() => null);
}

/** Sends a signal to the main process only (perf forwards its own shutdown to its workload). */
export function signalProcess(started: StartedProcess, signal: NodeJS.Signals): void {
  if (started.pid === undefined || started.status) return;
  try {
    process.kill(started.pid, signal);
  } catch {
    // Already gone: its exit event will tell.
  }
}

/**
 * Waits for `promise` at most `ms`, resolving to `fallback` on time-out. The timer is
 * cleared either way: a pending timer would keep a finished CLI alive for its full length.
 */
export async function withTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, timer.signal).then(() => fallback)]);
  } finally {
    timer.abort();
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function describeExit(status: ExitStatus): string {
  if (status.signal) return `was killed by ${status.signal}`;
  return `exited with code ${status.code ?? "unknown"}`;
}

/** True if a process with this pid exists (EPERM means it exists but belongs to someone else). */
/** Throws TARGET_NOT_FOUND, naming the pid, unless a process with that pid exists. */
export function assertPidExists(pid: number): void {
  if (Number.isInteger(pid) && pid > 0 && pidExists(pid)) return;
  throw new PerfError("TARGET_NOT_FOUND", `no process with pid ${pid}`, { where: { pid }, hint: "check the pid with ps (e.g. pgrep -f <name>); the process may have exited" });
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
