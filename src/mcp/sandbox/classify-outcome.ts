/**
 * Turns how the child ended (why we killed it, its exit, its last error message, its
 * stderr) into the result's state and a message a person or agent can act on.
 */
import { findScriptLine } from "./transpile.js";
import type { ChildMessage, ScriptState } from "./types.js";

export type KillReason = "timeout" | "memory" | "cancelled" | "protocol";

export interface ChildEnding {
  killedFor: KillReason | null;
  killDetail: string;
  exitCode: number | null;
  signal: string | null;
  error: Extract<ChildMessage, { t: "error" }> | null;
  /** The runner set up `perf` and began importing the script. */
  started: boolean;
  finishedTopLevel: boolean;
  /** The tail of what the child printed (the fatal V8 message lands on stderr). */
  outputTail: string;
  timeoutMs: number;
  memoryMb: number;
}

const DENIAL_CODES = new Set(["ERR_ACCESS_DENIED", "ERR_DLOPEN_DISABLED"]);
const MEMORY_PATTERNS = [/JavaScript heap out of memory/, /Reached heap limit/, /Array buffer allocation failed/, /ERR_MEMORY_ALLOCATION_FAILED/, /Cannot allocate memory/];

function describeError(e: NonNullable<ChildEnding["error"]>): string {
  const what = e.kind === "rejection" ? "Unhandled promise rejection" : "Uncaught exception";
  const code = e.code ? ` [${e.code}]` : "";
  const detail = e.detail ? ` (${e.detail})` : "";
  return `${what}: ${e.name}${code}: ${e.message}${detail}`;
}

export function classifyEnding(end: ChildEnding): { state: ScriptState; message?: string; line?: number } {
  const line = findScriptLine(end.error?.stack);
  const at = (m: string) => (line === undefined ? { message: m } : { message: `${m} (script.ts:${line})`, line });
  switch (end.killedFor) {
    case "timeout":
      return { state: "timeout", message: `Killed at the time limit of ${end.timeoutMs} ms${end.finishedTopLevel ? ": the top level had finished, but timers or open handles kept the process alive" : ""}.` };
    case "memory":
      return { state: "memory", message: `Killed for exceeding the memory limit (${end.memoryMb} MB heap): ${end.killDetail}.` };
    case "cancelled":
      return { state: "cancelled", message: "Cancelled by the caller; the script was killed." };
    case "protocol":
      return { state: "denied", message: `Killed: ${end.killDetail}.` };
    case null:
      break;
  }
  if (!end.started && end.error === null) {
    return { state: "error", message: `The sandbox failed before the script started (exit ${String(end.exitCode ?? end.signal)}): ${end.outputTail.trim().split("\n").slice(-12).join("\n")}` };
  }
  const oom = MEMORY_PATTERNS.some((p) => p.test(end.outputTail) || (end.error !== null && p.test(end.error.message)));
  if (oom || (end.signal === "SIGABRT" && /heap/i.test(end.outputTail))) {
    return { state: "memory", ...at(`Out of memory (limit ${end.memoryMb} MB heap)${end.error ? `: ${end.error.message}` : ""}`) };
  }
  if (end.error) {
    const refusedByPolicy = end.error.name === "PerfError" && end.error.message.startsWith("Refused by the sandbox policy");
    const denied = refusedByPolicy || (end.error.code !== undefined && DENIAL_CODES.has(end.error.code));
    return { state: denied ? "denied" : "error", ...at(describeError(end.error)) };
  }
  if (end.signal !== null) return { state: "error", message: `The script's process was ended by ${end.signal}.` };
  if (end.exitCode !== 0) {
    const when = end.finishedTopLevel ? "after its top level finished" : "before its top level finished (process.exit?)";
    return { state: "error", message: `The script exited with code ${String(end.exitCode)} ${when}.` };
  }
  if (!end.finishedTopLevel) return { state: "ok", message: "The script called process.exit(0) before its top level finished." };
  return { state: "ok" };
}
