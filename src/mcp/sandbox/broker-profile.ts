/**
 * Brokered calls for CPU profiles and files outside the workspace: `profile` of an allowed
 * command (never a running process), and reading or copying files under a readPath.
 */
import { open } from "node:fs/promises";
import { profile } from "../../profile/run-profile.js";
import { resolveProfileTarget } from "../../profile/target.js";
import { denyCall, isCommandAllowed, resolveReadablePath } from "./policy.js";
import { copyIntoWorkspace } from "./workspace-copy.js";
import { optionsOf, withScratch, type BrokeredCall, type BrokerContext } from "./broker-types.js";
import type { ScriptPolicy } from "./types.js";

const MAX_READ_BYTES = 16 * 1024 * 1024;

/** A command target must be allowed; a pid (or a process name) is never. */
export function checkCommandTarget(policy: ScriptPolicy, target: unknown, what: string): void {
  const resolved = resolveProfileTarget(target);
  if ("pid" in resolved) throw denyCall(`${what} pid ${resolved.pid}`, "Scripts may reach only commands listed in allowedCommands, not running processes.");
  if (!isCommandAllowed(policy, resolved.command)) {
    throw denyCall(`running the command "${resolved.command.join(" ")}"`, `Allowed command prefixes: ${policy.allowedCommands.join(" | ") || "(none)"}.`);
  }
}

async function readTextCapped(path: string, maxBytes: number): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), bytes: size, truncated: size > maxBytes };
  } finally {
    await handle.close();
  }
}

/** Profiles an allowed command with output in a private folder, then copies the artifacts into the workspace. */
async function runBrokeredProfile(options: unknown, ctx: BrokerContext): Promise<unknown> {
  return withScratch(async (scratch) => {
    // Like watchMemory and findLeaks, an allowed command starts in the server root.
    const cwd = ctx.services.root === undefined ? {} : { cwd: ctx.services.root };
    const r = await profile({ ...optionsOf(options), ...cwd, out: scratch, stdio: "pipe", signal: ctx.signal } as Parameters<typeof profile>[0]);
    const artifacts = Object.values(r.files).filter((f): f is string => typeof f === "string");
    const copied = await ctx.whileChildStopped(() => copyIntoWorkspace(ctx.workspace, [...artifacts, ...r.rawFiles], "profile"));
    // `samples` is a lazy view of the profile; the script can rebuild it with perf.listSamples.
    return { summary: r.summary, bottlenecks: r.bottlenecks, analysis: r.analysis, files: copied, exitCode: r.exitCode, partial: r.partial, notes: r.notes, output: r.output, profile: r.profile };
  });
}

export const PROFILE_CALLS: readonly BrokeredCall[] = [
  { name: "profile", check: (policy, [options]) => checkCommandTarget(policy, optionsOf(options).target, "profiling"), run: ([options], ctx) => runBrokeredProfile(options, ctx) },
  {
    name: "readTextFile",
    check: async (policy, [path], ctx) => void (await resolveReadablePath(policy, ctx.workspace, path)),
    run: async ([path, maxBytes], ctx) => readTextCapped(await resolveReadablePath(ctx.policy, ctx.workspace, path), typeof maxBytes === "number" && maxBytes > 0 ? Math.min(maxBytes, MAX_READ_BYTES) : MAX_READ_BYTES),
  },
  {
    name: "copyToWorkspace",
    check: async (policy, [path], ctx) => void (await resolveReadablePath(policy, ctx.workspace, path)),
    run: async ([path], ctx) => ctx.whileChildStopped(async () => (await copyIntoWorkspace(ctx.workspace, [await resolveReadablePath(ctx.policy, ctx.workspace, path)], null))[0]),
  },
];
