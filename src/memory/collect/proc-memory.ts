import { readFileSync } from "node:fs";
import { PerfError } from "../../core/errors.js";
import type { ProcMemory } from "../model.js";

const KB = 1024;

/** Parses "Key:   1234 kB" lines into bytes per key, summing repeated keys (smaps lists one block per mapping). */
function parseKbLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+):\s+(\d+)\s*kB\s*$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], (out.get(m[1]) ?? 0) + Number(m[2]) * KB);
  }
  return out;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT" || code === "ESRCH") {
      throw new PerfError("TARGET_NOT_FOUND", `no process with pid ${pid}`, {
        where: { pid },
        hint: "check the pid with ps or pgrep -f <name>; the process may have exited",
        cause: error,
      });
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new PerfError("PERMISSION_DENIED", `not allowed to read /proc/${pid}/status`, {
        where: { pid },
        hint: "run as the process's user or root (/proc may also be mounted with hidepid)",
        cause: error,
      });
    }
    throw error;
  }
}

type Rollup = { kind: "ok"; values: Map<string, number> } | { kind: "denied" } | { kind: "gone" };

/**
 * smaps_rollup (Linux ≥ 4.14) is the cheap pre-summed form; older kernels only have smaps,
 * which we sum ourselves. Reading either needs ptrace-read access, unlike status.
 */
function readRollup(pid: number): Rollup {
  for (const file of ["smaps_rollup", "smaps"]) {
    try {
      return { kind: "ok", values: parseKbLines(readFileSync(`/proc/${pid}/${file}`, "utf8")) };
    } catch (error) {
      const code = errnoOf(error);
      if (code === "EACCES" || code === "EPERM") return { kind: "denied" };
      if (code === "ESRCH") return { kind: "gone" };
      if (code === "ENOENT" && file === "smaps_rollup") continue;
      if (code === "ENOENT") return { kind: "gone" };
      throw error;
    }
  }
  return { kind: "gone" };
}

/**
 * What /proc says about a process's memory, in bytes: RSS, its peak and virtual size from
 * /proc/PID/status, and PSS/USS/swap from smaps_rollup. PSS and USS need the right to
 * inspect the process (same user or root); without it they are null and a note says why,
 * pushed onto `notes` when given. Throws TARGET_NOT_FOUND for a pid that does not exist and
 * PERMISSION_DENIED when even status is unreadable.
 */
export function readProcMemory(pid: number, notes?: string[]): ProcMemory {
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new PerfError("USAGE", `not a process id: ${String(pid)}`, { hint: "a pid is a positive integer; see pgrep -f <name>" });
  }
  const status = parseKbLines(readStatus(pid));
  const rollup = readRollup(pid);
  const memory: ProcMemory = {
    // Kernel threads and zombies have no VmRSS line: they map no user memory.
    rss: status.get("VmRSS") ?? 0,
    pss: null,
    uss: null,
    swap: status.get("VmSwap") ?? null,
    rssPeak: status.get("VmHWM") ?? null,
    virtual: status.get("VmSize") ?? null,
  };
  if (rollup.kind === "ok") {
    const pss = rollup.values.get("Pss");
    const privateClean = rollup.values.get("Private_Clean");
    const privateDirty = rollup.values.get("Private_Dirty");
    memory.pss = pss ?? null;
    memory.uss = privateClean !== undefined && privateDirty !== undefined ? privateClean + privateDirty : null;
    memory.swap = rollup.values.get("Swap") ?? memory.swap;
  } else if (rollup.kind === "denied") {
    notes?.push(`PSS and USS of pid ${pid} are unknown: /proc/${pid}/smaps_rollup needs the right to inspect the process (its user or root; a non-dumpable process refuses even root)`);
  } else if (memory.rss > 0) {
    notes?.push(`PSS and USS of pid ${pid} are unknown: it exited while being read`);
  }
  return memory;
}

/**
 * True while the process exists and is not a zombie. A zombie has exited but keeps its pid
 * until its parent reaps it; kill(pid, 0) would still succeed on it.
 */
export function isProcessRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // The state follows the parenthesised command name, which may itself contain ") ".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}
