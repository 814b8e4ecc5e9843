import { PerfError } from "../../core/errors.js";
import { isNodeProcess, readProcessInfo } from "../../profile/collect/proc-info.js";
import { MEMORY_MODEL_VERSION, type MemoryStats } from "../model.js";
import { resolveProcess } from "./find-process.js";
import { readProcMemory } from "./proc-memory.js";
import { openV8MemorySession } from "./v8-memory.js";

/** Which process: by pid, or by name / command-line fragment (resolved through /proc; ambiguous is an error). */
export type MemoryStatsTarget = { pid: number } | { process: string };

/**
 * MemoryStats plus flat snake_case aliases, so that `mem["heap_used"]` and `mem["rss"]` work
 * as in scripts written against the brief: `rss` is proc.rss, `heap_used` is v8.heapUsed
 * (null for a process that is not Node or whose inspector could not be opened).
 */
export interface MemoryStatsResult extends MemoryStats {
  rss: number;
  heap_used: number | null;
}

export interface GetMemoryStatsOptions {
  signal?: AbortSignal;
}

// Failures to reach the inspector leave the /proc figures standing; anything else is thrown.
const INSPECTOR_SOFT_FAILURES = new Set(["ATTACH_FAILED", "PERMISSION_DENIED", "TIMEOUT"]);

function resolveTargetPid(target: MemoryStatsTarget): number {
  if (target && typeof target === "object" && "pid" in target) {
    if (!Number.isInteger(target.pid) || target.pid <= 0) throw new PerfError("USAGE", `not a process id: ${String(target.pid)}`, { hint: "a pid is a positive integer" });
    return target.pid;
  }
  if (target && typeof target === "object" && "process" in target && typeof target.process === "string") return resolveProcess(target.process).pid;
  throw new PerfError("USAGE", `cannot understand the target ${JSON.stringify(target)}`, { hint: 'pass { pid: 1234 } or { process: "web_server" }' });
}

/**
 * One memory reading of a running process: /proc figures always (RSS, PSS, USS, swap, peak),
 * and for a Node process the V8 heap and GC activity through its inspector, which is opened
 * with SIGUSR1 and closed again afterwards. GC counts run from when perfscope first observed
 * the process (`gc.since`): the observer stays in the target so that repeated readings count on.
 */
export async function getMemoryStats(target: MemoryStatsTarget, options: GetMemoryStatsOptions = {}): Promise<MemoryStatsResult> {
  const pid = resolveTargetPid(target);
  const notes: string[] = [];
  const at = Date.now();
  const proc = readProcMemory(pid, notes);
  const info = readProcessInfo(pid);
  const command = info.cmdline ? info.cmdline.join(" ") : null;
  const stats: MemoryStatsResult = { version: MEMORY_MODEL_VERSION, pid, at, command, proc, v8: null, gc: null, notes, rss: proc.rss, heap_used: null };
  if (!isNodeProcess(info)) {
    notes.push(`not a Node.js process (${info.exe ?? info.cmdline?.[0] ?? "unknown executable"}): only /proc figures (rss, pss, uss, swap, peak); v8 and gc are null`);
    return stats;
  }
  let session;
  try {
    session = await openV8MemorySession(pid, options);
  } catch (error) {
    if (!(error instanceof PerfError) || !INSPECTOR_SOFT_FAILURES.has(error.code)) throw error;
    notes.push(`V8 figures unavailable: ${error.message}${error.hint ? ` (${error.hint})` : ""}; only /proc figures`);
    return stats;
  }
  try {
    const { v8, gc } = await session.read();
    stats.v8 = v8;
    stats.gc = gc;
    stats.heap_used = v8.heapUsed;
    notes.push(...session.notes);
  } finally {
    notes.push(...(await session.close()));
  }
  return stats;
}
