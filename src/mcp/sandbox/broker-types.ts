/**
 * The shape of a brokered call and what it gets to work with, plus the small helpers every
 * group of calls shares: argument objects copied off untrusted JSON, a private scratch
 * folder whose results are copied into the workspace, and the server root.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfError } from "../../core/errors.js";
import type { SandboxServices, ScriptPolicy } from "./types.js";

export interface BrokerContext {
  workspace: string;
  policy: ScriptPolicy;
  /** The operator's root and RUM store; absent entries make the calls that need them refuse. */
  services: SandboxServices;
  /** Aborted when the run ends, so a brokered call cannot outlive its script. */
  signal: AbortSignal;
  /** Stops the child's processes while `fn` writes into the workspace, so it cannot swap paths under us. */
  whileChildStopped<T>(fn: () => Promise<T>): Promise<T>;
}

export interface BrokeredCall {
  name: string;
  /** Throws (denyCall for refusals) when the policy does not allow these arguments. */
  check(policy: ScriptPolicy, args: unknown[], ctx: BrokerContext): Promise<void> | void;
  run(args: unknown[], ctx: BrokerContext): Promise<unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A shallow own-property copy of an options object (never its prototype), or {}. */
export function optionsOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? { ...value } : {};
}

/** Runs `fn` with a private folder outside the workspace, removed afterwards. */
export async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), "perfscope-broker-"));
  try {
    return await fn(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The server root, for calls that work in the operator's project; refused without one. */
export function requireRoot(ctx: BrokerContext, what: string): string {
  const root = ctx.services.root;
  if (root === undefined) throw new PerfError("PERMISSION_DENIED", `Refused by the sandbox policy: ${what} needs the server's root, and this server gave none.`, { hint: "Start the MCP server with --root <project folder>." });
  return root;
}
