import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { PerfError } from "../../core/errors.js";
import { readProcessInfo } from "../../profile/collect/proc-info.js";

/** A running process that a name or command fragment matched. */
export interface ProcessMatch {
  pid: number;
  /** The kernel's short name (/proc/PID/comm, at most 15 characters). */
  name: string;
  command: string;
}

function readComm(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

function readParentPid(pid: number): number | null {
  try {
    const m = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Our own pid and our ancestors: `perfscope mem --process web_server` (and the shell that
 * ran it) carry the name in their own command lines and must not match themselves.
 */
function ownLineage(): Set<number> {
  const pids = new Set<number>();
  let pid: number | null = process.pid;
  while (pid !== null && pid > 1 && !pids.has(pid)) {
    pids.add(pid);
    pid = readParentPid(pid);
  }
  return pids;
}

/** Names a process goes by: comm, its executable, and the script an interpreter runs (with and without extension). */
function namesOf(comm: string | null, cmdline: string[], exe: string | null): Set<string> {
  const names = new Set<string>();
  if (comm) names.add(comm);
  if (exe) names.add(basename(exe));
  if (cmdline[0]) names.add(basename(cmdline[0]));
  const script = cmdline.slice(1).find((arg) => !arg.startsWith("-"));
  if (script) {
    const file = basename(script);
    names.add(file);
    names.add(file.replace(/\.[cm]?[jt]s$|\.py$|\.rb$|\.pl$|\.sh$/, ""));
  }
  return names;
}

/**
 * Running processes matching `query`: `exact` when one of its names equals the query,
 * `partial` when its command line contains it. Kernel threads, zombies (no command line) and
 * perfscope's own process tree are left out.
 */
export function findProcesses(query: string): { exact: ProcessMatch[]; partial: ProcessMatch[] } {
  const exact: ProcessMatch[] = [];
  const partial: ProcessMatch[] = [];
  const own = ownLineage();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (own.has(pid)) continue;
    const info = readProcessInfo(pid);
    if (!info.cmdline || info.cmdline.length === 0) continue;
    const comm = readComm(pid);
    const command = info.cmdline.join(" ");
    const match: ProcessMatch = { pid, name: comm ?? basename(info.cmdline[0] ?? ""), command };
    if (namesOf(comm, info.cmdline, info.exe).has(query)) exact.push(match);
    else if (command.includes(query)) partial.push(match);
  }
  return { exact, partial };
}

function listMatches(matches: ProcessMatch[]): string {
  const shown = matches.slice(0, 10).map((m) => `pid ${m.pid}: ${m.command.length > 120 ? `${m.command.slice(0, 117)}...` : m.command}`);
  if (matches.length > shown.length) shown.push(`... and ${matches.length - shown.length} more`);
  return shown.join("; ");
}

/**
 * Resolves a process name or command fragment to exactly one process. A name match wins over
 * a command-line match; two or more candidates at the winning level are an error that lists
 * them, so that the caller picks a pid rather than us measuring the wrong process.
 */
export function resolveProcess(query: string): ProcessMatch {
  const wanted = query.trim();
  if (wanted === "") throw new PerfError("USAGE", "empty process name", { hint: "give a process name (e.g. web_server) or { pid }" });
  const { exact, partial } = findProcesses(wanted);
  const candidates = exact.length > 0 ? exact : partial;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new PerfError("TARGET_NOT_FOUND", `no running process is named "${wanted}" or has it in its command line`, {
      hint: "check with ps -ef or pgrep -af <name>; processes of other users are visible only if /proc allows it",
    });
  }
  const level = exact.length > 0 ? "are named" : "have it in their command line";
  throw new PerfError("USAGE", `"${wanted}" is ambiguous: ${candidates.length} processes ${level}: ${listMatches(candidates)}`, {
    hint: "pass { pid: N } for the one you mean, or a longer part of its command line",
  });
}
