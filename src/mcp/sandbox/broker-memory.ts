/**
 * Brokered memory calls: `watchMemory` and `findLeaks` of an allowed command started here
 * (never an attach to a running process), with load only at allowed targets. Started
 * commands run in the server root with this server's environment, output dropped. The
 * series and heap-snapshot results are saved into the workspace; `detectLeak` is pure and
 * runs in the script itself on the returned series.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PerfError } from "../../core/errors.js";
import { watchMemory, type WatchMemoryOptions } from "../../memory/collect/watch-memory.js";
import { findLeaks, type FindLeaksOptions } from "../../memory/find-leaks.js";
import { sanitizeLoadOptions } from "./load-options.js";
import { resolveProfileTarget } from "../../profile/target.js";
import { checkCommandTarget } from "./broker-profile.js";
import { checkLoadOptions, denyCall } from "./policy.js";
import { copyIntoWorkspace } from "./workspace-copy.js";
import { isRecord, optionsOf, withScratch, type BrokeredCall, type BrokerContext } from "./broker-types.js";
import type { ScriptPolicy } from "./types.js";

function checkStartedTarget(policy: ScriptPolicy, target: unknown, what: string): void {
  if (isRecord(target) && "process" in target) throw denyCall(`${what} the process named ${JSON.stringify(target.process)}`, "Scripts may reach only commands listed in allowedCommands, not running processes.");
  // The whole target, as the library will read it: { command, pid } means the pid to it.
  checkCommandTarget(policy, target, what);
}

/** The checked target as the argv of the command to start, so nothing else in it is read later. */
function startedCommand(target: unknown): string[] {
  const resolved = resolveProfileTarget(target);
  if ("pid" in resolved) throw denyCall(`attaching to pid ${resolved.pid}`, "Scripts may reach only commands listed in allowedCommands, not running processes.");
  return resolved.command;
}

function checkWatchOptions(policy: ScriptPolicy, options: unknown): void {
  const o = optionsOf(options);
  if (o.target === undefined || o.duration === undefined) throw new PerfError("USAGE", "watchMemory needs `target` (an allowed command) and `duration`.", { hint: 'perf.watchMemory({ target: ["node", "server.js"], duration: 40, load: { target: "http://127.0.0.1:3000/", requestsPerSecond: 200 } })' });
  checkStartedTarget(policy, o.target, "watching");
  if (o.load !== undefined) checkLoadOptions(policy, o.load);
}

function cwdOf(ctx: BrokerContext): { cwd?: string } {
  return ctx.services.root === undefined ? {} : { cwd: ctx.services.root };
}

async function runWatch(options: unknown, ctx: BrokerContext): Promise<unknown> {
  const { target, duration, interval, load } = optionsOf(options);
  const series = await watchMemory({
    target: startedCommand(target) as WatchMemoryOptions["target"],
    duration: duration as number | string,
    ...(interval !== undefined ? { interval: interval as number | string } : {}),
    ...(load !== undefined ? { load: sanitizeLoadOptions(load, ctx.signal) } : {}),
    stdio: "ignore",
    signal: ctx.signal,
    ...cwdOf(ctx),
  });
  const files = await withScratch(async (scratch) => {
    const file = join(scratch, "memory-series.json");
    await writeFile(file, JSON.stringify(series));
    return ctx.whileChildStopped(() => copyIntoWorkspace(ctx.workspace, [file], "memory"));
  });
  return { ...series, files };
}

function checkFindLeaksOptions(policy: ScriptPolicy, options: unknown): void {
  const o = optionsOf(options);
  if (!Array.isArray(o.target)) throw denyCall("findLeaks on a running process", 'Give the command as an argv array, e.g. ["node", "server.js"]; allowedCommands must list it.');
  checkStartedTarget(policy, o.target, "snapshotting");
  const action = o.action;
  if (!isRecord(action) || !isRecord(action.load)) throw denyCall("a findLeaks action other than { load }", "Scripts may drive only HTTP load between the snapshots: action: { load: { target, maxRequests } }.");
  checkLoadOptions(policy, action.load);
}

async function runFindLeaks(options: unknown, ctx: BrokerContext): Promise<unknown> {
  const o = optionsOf(options);
  const action = { load: sanitizeLoadOptions(optionsOf(o.action).load, ctx.signal) };
  return withScratch(async (scratch) => {
    const request: FindLeaksOptions = {
      target: o.target as string[],
      action,
      out: scratch,
      signal: ctx.signal,
      ...(typeof o.repeat === "number" && o.repeat >= 1 ? { repeat: Math.min(Math.floor(o.repeat), 20) } : {}),
      ...(typeof o.startupMs === "number" && o.startupMs >= 0 ? { startupMs: Math.min(o.startupMs, 60_000) } : {}),
      ...cwdOf(ctx),
    };
    const r = await findLeaks(request);
    const copied = await ctx.whileChildStopped(() => copyIntoWorkspace(ctx.workspace, [r.files.result, ...r.files.snapshots], "leaks"));
    return { candidates: r.candidates, summary: r.summary, files: copied };
  });
}

export const MEMORY_CALLS: readonly BrokeredCall[] = [
  { name: "watchMemory", check: (policy, [options]) => checkWatchOptions(policy, options), run: ([options], ctx) => runWatch(options, ctx) },
  { name: "findLeaks", check: (policy, [options]) => checkFindLeaksOptions(policy, options), run: ([options], ctx) => runFindLeaks(options, ctx) },
];
