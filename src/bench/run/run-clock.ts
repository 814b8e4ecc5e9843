/**
 * The benchmark clock: wall time minus the time this thread sat runnable waiting for a CPU,
 * read from Linux's /proc/thread-self/schedstat (field 2, ns). On a busy machine that wait
 * is someone else's work; time the code spends blocked (sync I/O, execSync, Atomics.wait)
 * is its own and stays in. Where schedstat is missing (not Linux, or no CONFIG_SCHED_INFO)
 * the clock is plain wall time.
 */
import { openSync, readSync } from "node:fs";

let schedstatFd: number | null | undefined;
const buffer = Buffer.alloc(128);

/** ns this thread has waited on a run queue since it started, or null when unknown. */
export function readRunQueueWaitNs(): number | null {
  if (schedstatFd === undefined) {
    try {
      // Opened once, on the thread that measures: /proc/thread-self resolves at open time.
      schedstatFd = openSync("/proc/thread-self/schedstat", "r");
    } catch {
      schedstatFd = null;
    }
  }
  if (schedstatFd === null) return null;
  try {
    const n = readSync(schedstatFd, buffer, 0, buffer.length, 0);
    const wait = Number(buffer.toString("latin1", 0, n).split(" ")[1]);
    return Number.isFinite(wait) ? wait : null;
  } catch {
    return null;
  }
}

export interface RunTimer {
  wallStart: bigint;
  waitStart: number | null;
}

/** Reads the run-queue wait before the wall clock, so the read itself is outside the interval. */
export function startRunTimer(): RunTimer {
  const waitStart = readRunQueueWaitNs();
  return { waitStart, wallStart: process.hrtime.bigint() };
}

/** Elapsed ns: wall time, less the run-queue wait that fell inside it. */
export function stopRunTimer(timer: RunTimer): { ns: number; wallNs: number; waitNs: number } {
  const wallNs = Number(process.hrtime.bigint() - timer.wallStart);
  const waitEnd = readRunQueueWaitNs();
  const waitNs = timer.waitStart === null || waitEnd === null ? 0 : Math.max(0, Math.min(wallNs, waitEnd - timer.waitStart));
  return { ns: wallNs - waitNs, wallNs, waitNs };
}
