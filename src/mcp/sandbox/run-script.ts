/**
 * runScript: transpiles an agent's TypeScript and runs it in a confined child process
 * (permission model, empty network and PID namespaces, clean environment, heap and data
 * limits, a wall-clock limit enforced with SIGKILL of the child's process group). The
 * library is the global `perf`; privileged calls are brokered through fd 3 and checked
 * against the server's policy here. Only what the script prints comes back, capped.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { PerfError } from "../../core/errors.js";
import { BROKERED_CALLS, dispatchBrokeredCall, type BrokerContext } from "./broker.js";
import { prepareChildAssets } from "./child-assets.js";
import { classifyEnding, type ChildEnding, type KillReason } from "./classify-outcome.js";
import { resolveConfinement } from "./confinement.js";
import { OutputCapture } from "./output-capture.js";
import { startRssWatchdog } from "./rss-watchdog.js";
import { transpileScript } from "./transpile.js";
import { findEscapingLinks, listWrittenFiles, snapshotWorkspace } from "./workspace-copy.js";
import type { ChildMessage, ParentMessage, RunScriptOptions, ScriptResult } from "./types.js";

/** Longest message line the child may send; past it the child is killed (it could otherwise fill our memory). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_CALLS_IN_FLIGHT = 4;
// Each waiting call holds its arguments (up to MAX_MESSAGE_BYTES) in the server's memory.
const MAX_CALLS_WAITING = 64;
type ChildCallMessage = Extract<ChildMessage, { t: "call" }>;
/** Room above the heap limit for V8's young generation, code, Node itself and buffers. */
const DATA_HEADROOM_MB = 256;
const RSS_HEADROOM_MB = 320;

function parseChildMessage(line: string): ChildMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const m = v as Record<string, unknown>;
  if (m.t === "ready" || m.t === "done") return { t: m.t };
  if (m.t === "call" && typeof m.id === "number" && typeof m.fn === "string" && Array.isArray(m.args)) return { t: "call", id: m.id, fn: m.fn, args: m.args as unknown[] };
  if (m.t === "error" && typeof m.message === "string" && typeof m.name === "string") {
    const str = (k: string) => (typeof m[k] === "string" ? { [k]: m[k] as string } : {});
    return { t: "error", kind: m.kind === "rejection" ? "rejection" : "exception", name: m.name, message: m.message, ...str("code"), ...str("detail"), ...str("stack") };
  }
  return null;
}

function baseResult(startedAt: number, partial: Partial<ScriptResult>): ScriptResult {
  return { state: "error", output: "", truncated: false, outputBytes: 0, durationMs: Math.round(performance.now() - startedAt), files: [], exitCode: null, signal: null, denials: [], confinement: [], ...partial };
}

export async function runScript(options: RunScriptOptions): Promise<ScriptResult> {
  const startedAt = performance.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const memoryMb = options.memoryMb ?? 512;
  const cap = options.outputCapBytes ?? 16_384;
  if (!(timeoutMs > 0) || !(memoryMb >= 16) || !(cap >= 0)) {
    throw new PerfError("USAGE", `Invalid limits: timeoutMs ${timeoutMs}, memoryMb ${memoryMb}, outputCapBytes ${cap}.`, { hint: "timeoutMs > 0, memoryMb ≥ 16, outputCapBytes ≥ 0." });
  }
  await mkdir(options.workspace, { recursive: true });
  const workspace = await realpath(options.workspace);

  const confinement = resolveConfinement((memoryMb + DATA_HEADROOM_MB) * 1024 * 1024);
  if (confinement.problem !== null && options.allowUnconfinedNetwork !== true) {
    throw new PerfError("TOOL_MISSING", `Cannot confine scripts: no empty network/PID namespace could be made (${confinement.problem}).`, {
      hint: "Install util-linux (unshare) and run as root or allow unprivileged user namespaces; or set allowUnconfinedNetwork to run scripts that can open sockets and signal this user's processes.",
    });
  }

  const links = await findEscapingLinks(workspace);
  if (links.length > 0) {
    const message = `Refused to run: the workspace holds symlinks leading outside it (${links.slice(0, 5).join(", ")}), which would let the script reach those places.`;
    return baseResult(startedAt, { state: "denied", message, denials: [message], confinement: confinement.layers });
  }

  const transpiled = await transpileScript(options.code);
  if (!transpiled.ok) return baseResult(startedAt, { state: "error", message: transpiled.message, ...(transpiled.line === undefined ? {} : { line: transpiled.line }), confinement: confinement.layers });

  const assets = await prepareChildAssets();
  const runDir = await mkdtemp(join(assets.dir, "run-"));
  try {
    const scriptPath = join(runDir, "script.mjs");
    await writeFile(scriptPath, transpiled.code);
    const before = await snapshotWorkspace(workspace);
    return await superviseChild({ workspace, runDir, scriptPath, runner: assets.runner, prefix: confinement.prefix, layers: confinement.layers, timeoutMs, memoryMb, cap, options, startedAt, before });
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

interface SuperviseInput {
  workspace: string;
  runDir: string;
  scriptPath: string;
  runner: string;
  prefix: string[];
  layers: string[];
  timeoutMs: number;
  memoryMb: number;
  cap: number;
  options: RunScriptOptions;
  startedAt: number;
  before: Awaited<ReturnType<typeof snapshotWorkspace>>;
}

async function superviseChild(input: SuperviseInput): Promise<ScriptResult> {
  const { workspace, timeoutMs, memoryMb, options } = input;
  const nodeArgs = [
    "--experimental-permission",
    // One flag per path: Node 20.20 no longer splits a comma-separated list.
    ...[workspace, input.runner, input.runDir].map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${workspace}`,
    `--max-old-space-size=${memoryMb}`,
    "--enable-source-maps",
    "--disable-warning=ExperimentalWarning",
    input.runner,
    input.scriptPath,
  ];
  const argv = [...input.prefix, process.execPath, ...nodeArgs];
  const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: workspace, TZ: process.env.TZ ?? "UTC", LANG: "C.UTF-8" };
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: workspace, env, detached: true, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  const pgid = child.pid;

  const output = new OutputCapture(input.cap);
  let tail = "";
  const onOutput = (chunk: Buffer) => {
    output.add(chunk);
    tail = (tail + chunk.toString("latin1")).slice(-4096);
  };
  (child.stdout as Readable).on("data", onOutput);
  (child.stderr as Readable).on("data", onOutput);

  const ending: ChildEnding = { killedFor: null, killDetail: "", exitCode: null, signal: null, error: null, started: false, finishedTopLevel: false, outputTail: "", timeoutMs, memoryMb };
  const killGroup = (signal: NodeJS.Signals) => {
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      /* already gone */
    }
  };
  const killFor = (reason: KillReason, detail = "") => {
    if (ending.killedFor === null) ending.killedFor = reason;
    ending.killDetail ||= detail;
    killGroup("SIGKILL");
  };

  const runEnded = new AbortController();
  const denials: string[] = [];
  let stopped = 0;
  const ctx: BrokerContext = {
    workspace,
    policy: options.policy,
    services: options.services ?? {},
    signal: runEnded.signal,
    async whileChildStopped(fn) {
      // After the run the group is gone (and its id may be reused): nothing to stop.
      if (runEnded.signal.aborted) return fn();
      if (stopped++ === 0) killGroup("SIGSTOP");
      try {
        return await fn();
      } finally {
        if (--stopped === 0 && ending.killedFor === null) killGroup("SIGCONT");
      }
    },
  };

  const channel = child.stdio[3] as unknown as Readable & Writable;
  channel.on("error", () => undefined);
  channel.write(JSON.stringify({ brokered: BROKERED_CALLS.map((c) => c.name), args: options.args ?? {} }) + "\n");
  let pendingLine = "";
  // Decoded as a stream, so a character split across two reads arrives whole.
  channel.setEncoding("utf8");
  // A script may not keep the server busy with unbounded parallel work: calls beyond this wait their turn.
  let inFlight = 0;
  const waiting: ChildCallMessage[] = [];
  const startCall = (message: ChildCallMessage): void => {
    inFlight++;
    void dispatchBrokeredCall(message, ctx, denials).then((reply) => {
      inFlight--;
      if (runEnded.signal.aborted) return;
      channel.write(JSON.stringify(reply) + "\n");
      const next = waiting.shift();
      if (next) startCall(next);
    });
  };
  channel.on("data", (chunk: string) => {
    pendingLine += chunk;
    let nl: number;
    while ((nl = pendingLine.indexOf("\n")) >= 0) {
      const line = pendingLine.slice(0, nl);
      pendingLine = pendingLine.slice(nl + 1);
      const message = parseChildMessage(line);
      if (message === null) return killFor("protocol", "the script wrote something that is not a sandbox message on the broker channel");
      if (message.t === "ready") ending.started = true;
      else if (message.t === "done") ending.finishedTopLevel = true;
      else if (message.t === "error") ending.error ??= message;
      else if (message.t === "call") {
        if (inFlight < MAX_CALLS_IN_FLIGHT) startCall(message);
        else if (waiting.length < MAX_CALLS_WAITING) waiting.push(message);
        else {
          const reply: ParentMessage = {
            t: "fail",
            id: message.id,
            error: { code: "USAGE", message: `${MAX_CALLS_IN_FLIGHT + MAX_CALLS_WAITING} brokered calls are already running or waiting`, hint: "Await some before starting more (e.g. run load tests one after another).", denied: false },
          };
          channel.write(JSON.stringify(reply) + "\n");
        }
      }
    }
    if (pendingLine.length > MAX_MESSAGE_BYTES) killFor("protocol", `a broker message exceeded ${MAX_MESSAGE_BYTES} bytes`);
  });

  const timer = setTimeout(() => killFor("timeout"), timeoutMs);
  const stopWatchdog = pgid === undefined ? () => undefined : startRssWatchdog(pgid, (memoryMb + RSS_HEADROOM_MB) * 1024 * 1024, (rss) => killFor("memory", `resident memory reached ${Math.round(rss / 1048576)} MB`));
  const onAbort = () => killFor("cancelled");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const spawnError = await new Promise<Error | null>((resolve) => {
    child.once("error", (e) => resolve(e));
    child.once("close", (code, signal) => {
      ending.exitCode = code;
      ending.signal = signal;
      resolve(null);
    });
  });
  clearTimeout(timer);
  stopWatchdog();
  options.signal?.removeEventListener("abort", onAbort);
  runEnded.abort();
  killGroup("SIGKILL"); // anything left in the group goes with the script

  if (spawnError) throw new PerfError("TOOL_MISSING", `Cannot start the sandbox (${argv[0] ?? "?"}): ${spawnError.message}`, { hint: "Check that node, unshare and prlimit are on PATH." });
  ending.outputTail = tail;
  const verdict = classifyEnding(ending);
  if (verdict.state === "denied" && verdict.message && denials.length === 0) denials.push(verdict.message);
  const files = listWrittenFiles(input.before, await snapshotWorkspace(workspace));
  return {
    ...baseResult(input.startedAt, { exitCode: ending.exitCode, signal: ending.signal }),
    ...verdict,
    output: output.render(),
    truncated: output.truncated,
    outputBytes: output.total,
    files,
    denials,
    confinement: input.layers,
  };
}
