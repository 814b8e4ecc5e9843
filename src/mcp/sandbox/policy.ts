/**
 * The server's policy checks for brokered calls. Every argument arrives as parsed JSON
 * from an untrusted script, so nothing here trusts a prototype or a type annotation.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { PerfError } from "../../core/errors.js";
import { splitCommandLine } from "../../profile/target.js";
import type { ScriptPolicy } from "./types.js";

/** A refusal by the policy: reported to the script as PERMISSION_DENIED and listed in the result. */
export function denyCall(what: string, hint: string): PerfError {
  return new PerfError("PERMISSION_DENIED", `Refused by the sandbox policy: ${what}.`, { hint });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Does a URL fall under one entry of allowedTargets (an origin, host:port, or bare hostname)? */
export function isTargetAllowed(policy: ScriptPolicy, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return false;
  return policy.allowedTargets.some((entry) => {
    if (entry.includes("://")) {
      try {
        return new URL(entry).origin === u.origin;
      } catch {
        return false;
      }
    }
    return entry.includes(":") && !entry.startsWith("[") ? entry === u.host : entry === u.hostname;
  });
}

/** Load options: the target and every absolute request URL must be allowed. */
export function checkLoadOptions(policy: ScriptPolicy, options: unknown): void {
  if (!isRecord(options) || typeof options.target !== "string") {
    throw new PerfError("USAGE", "runLoadTest needs an options object with a `target` URL.", { hint: 'perf.runLoadTest({ target: "http://127.0.0.1:8080/", duration: "5s" })' });
  }
  const urls = [options.target];
  if (Array.isArray(options.requests)) {
    for (const r of options.requests as unknown[]) {
      if (!isRecord(r) || typeof r.url !== "string") continue;
      // Resolved as the engine will: "//other.host/x" or "http:other" leave the target's origin.
      let resolved: string;
      try {
        resolved = new URL(r.url, options.target).href;
      } catch {
        resolved = r.url;
      }
      urls.push(resolved);
    }
  }
  for (const url of urls) {
    if (!isTargetAllowed(policy, url)) {
      throw denyCall(`load test target ${url} is not in allowedTargets`, `Allowed targets: ${policy.allowedTargets.join(", ") || "(none)"}.`);
    }
  }
}

/** A command is allowed when its argv starts with the argv of one allowedCommands prefix. */
export function isCommandAllowed(policy: ScriptPolicy, argv: readonly string[]): boolean {
  return policy.allowedCommands.some((prefix) => {
    const p = splitCommandLine(prefix);
    return p.length > 0 && p.length <= argv.length && p.every((token, i) => argv[i] === token);
  });
}

/** Resolves a path the script names and checks it lies inside the workspace or a readPath. */
export async function resolveReadablePath(policy: ScriptPolicy, workspace: string, path: unknown): Promise<string> {
  if (typeof path !== "string" || path === "") throw new PerfError("USAGE", "Expected a file path (a non-empty string).");
  const absolute = isAbsolute(path) ? path : resolve(workspace, path);
  // Resolve symlinks on both sides, so a link inside an allowed folder cannot point out of it.
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (e) {
    throw new PerfError("TARGET_NOT_FOUND", `Cannot read ${absolute}: ${(e as Error).message}`, { where: { file: absolute } });
  }
  for (const root of [workspace, ...policy.readPaths]) {
    const realRoot = await realpath(root).catch(() => null);
    if (realRoot !== null && isInside(realRoot, real)) return real;
  }
  throw denyCall(`reading ${absolute} (outside the workspace and every readPath)`, `Readable folders: ${policy.readPaths.join(", ") || "(none)"}.`);
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
