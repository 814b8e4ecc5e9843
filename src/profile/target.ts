import { PerfError } from "../core/errors.js";

/** What to profile: a command to start, or a running process. */
export type ProfileTarget = { command: string[] } | { pid: number };

/** Splits a command line like a shell would for the simple cases: spaces, quotes, backslashes. */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === "\\" && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) throw new PerfError("USAGE", `Unclosed ${quote} quote in command: ${text}`, { hint: "Close the quote, or pass the command as an array of arguments." });
  if (started) out.push(current);
  return out;
}

/**
 * Accepts the forms people and agents naturally write: `"node app.js"`, `["node", "app.js"]`,
 * `4242`, `"pid:4242"`, `{ pid: 4242 }`, `{ command: [...] }`.
 */
export function resolveProfileTarget(target: unknown): ProfileTarget {
  if (typeof target === "number") return validatePid(target);
  if (typeof target === "string") {
    const t = target.trim();
    const pid = /^(?:pid:)?(\d+)$/.exec(t);
    if (pid) return validatePid(Number(pid[1]));
    const command = splitCommandLine(t);
    if (command.length === 0) throw new PerfError("USAGE", "The target command is empty.", { hint: 'Give a command such as "node app.js" or a PID.' });
    return { command };
  }
  if (Array.isArray(target) && target.length > 0 && target.every((a) => typeof a === "string")) return { command: target as string[] };
  if (target && typeof target === "object") {
    const o = target as Record<string, unknown>;
    if (typeof o.pid === "number") return validatePid(o.pid);
    if (Array.isArray(o.command)) return resolveProfileTarget(o.command);
    if (typeof o.command === "string") return resolveProfileTarget(o.command);
  }
  throw new PerfError("USAGE", `Cannot understand the target ${JSON.stringify(target)}.`, {
    hint: 'Use a command ("node app.js" or ["node","app.js"]) or a process id (4242 or { pid: 4242 }).',
  });
}

function validatePid(pid: number): ProfileTarget {
  if (!Number.isInteger(pid) || pid <= 0) throw new PerfError("USAGE", `Invalid PID ${pid}.`, { hint: "A PID is a positive integer; see `pgrep -f <name>`." });
  return { pid };
}

export function describeTarget(target: ProfileTarget): string {
  return "pid" in target ? `pid ${target.pid}` : target.command.join(" ");
}
