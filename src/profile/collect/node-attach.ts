import { PerfError } from "../../core/errors.js";
import { formatDuration, ms } from "../../core/units.js";
import { CdpClient } from "./cdp-client.js";
import { assertPidExists, pidExists, withTimeout } from "./child-process.js";
import { resolveSampleRate, validateDuration, waitForStop } from "./collect-options.js";
import { openInspector, type OpenedInspector } from "./inspector-open.js";
import { isNodeProcess, readProcessInfo } from "./proc-info.js";
import { ProgressReporter } from "./progress.js";
import type { CollectResult, CommonCollectOptions } from "./types.js";
import { convertV8Profile, startV8Profiler, stopV8Profiler } from "./v8-session.js";

export interface NodeAttachOptions extends CommonCollectOptions {
  pid: number;
  /** When set, the raw V8 profile is kept as `<outDir>/cpu.cpuprofile`. */
  outDir?: string;
}

// Ends the inspector from inside the target once our evaluate call has returned. Guarded so
// that it can never throw inside the target (an exception there would crash it).
const CLOSE_INSPECTOR_EXPRESSION = `(() => {
  const end = typeof process._debugEnd === "function" ? process._debugEnd : null;
  if (!end) return "unsupported";
  setImmediate(() => { try { end(); } catch {} });
  return "scheduled";
})()`;

/**
 * Profiles a running Node process: opens its inspector with SIGUSR1, confirms the pid on the
 * other end, samples for `durationMs` (or until `signal` aborts), then closes the inspector
 * again so the process runs on as before, with no debug port left open.
 */
export async function attachNodeCpuProfile(options: NodeAttachOptions): Promise<CollectResult> {
  const { pid } = options;
  const sampleRateHz = resolveSampleRate(options.sampleRateHz);
  validateDuration(options.durationMs);
  if (!Number.isInteger(pid) || pid <= 0) throw new PerfError("USAGE", `not a process id: ${String(pid)}`, { hint: "pass the pid of a running node process" });
  if (options.durationMs === undefined && !options.signal) {
    throw new PerfError("USAGE", "attaching needs durationMs (or an abort signal) to know when to stop", { where: { pid }, hint: "e.g. durationMs: 10000" });
  }
  assertPidExists(pid);
  const info = readProcessInfo(pid);
  if (!isNodeProcess(info)) {
    throw new PerfError("ATTACH_FAILED", `pid ${pid} is not a Node.js process (${info.exe ?? info.cmdline?.[0] ?? "unknown executable"})`, {
      where: { pid },
      hint: "the inspector collector attaches only to node; use the perf collector for other programs",
    });
  }
  const progress = new ProgressReporter(options.onProgress);
  progress.report("starting", `opening the inspector of pid ${pid}`);
  const opened = await openInspector(info, options.signal);
  let client: CdpClient | null = null;
  let wrongProcess = false;
  try {
    client = await CdpClient.connect(opened.url);
    const targetPid = await client.send("Runtime.evaluate", { expression: "process.pid", returnByValue: true });
    const reported = (targetPid.result as { value?: unknown } | undefined)?.value;
    if (reported !== pid) {
      // Someone else's inspector: disconnect without closing it, it is not ours to close.
      await client.close();
      client = null;
      wrongProcess = true;
      throw new PerfError("ATTACH_FAILED", `the inspector on port ${opened.port} belongs to pid ${String(reported)}, not ${pid}`, {
        where: { pid, url: opened.url },
        hint: `another process holds port ${opened.port}; stop it, or start the target with --inspect-port=<free port>`,
      });
    }
    await startV8Profiler(client, sampleRateHz);
    const startTime = new Date().toISOString();
    const t0 = Date.now();
    progress.startTicking(() => ({ message: `profiling pid ${pid} at ${sampleRateHz} Hz` }));
    const end = await waitForAttachEnd(client, options);
    progress.stopTicking();
    const profiledMs = Date.now() - t0;
    if (end.kind === "lost") {
      throw new PerfError("TARGET_EXITED", `pid ${pid} went away after ${formatDuration(ms(profiledMs))} while being profiled; the V8 profile was inside it and is lost`, {
        where: { pid },
        hint: pidExists(pid) ? "the inspector connection was closed by someone else; try again" : "the process exited or was killed during profiling",
      });
    }
    progress.report("stopping", "stopping the profiler and closing the inspector");
    const raw = await stopV8Profiler(client);
    await client.send("Profiler.disable").catch(() => undefined);
    const notes = await detach(client, opened);
    client = null;
    progress.report("converting", "converting the V8 profile");
    const partial = end.kind === "aborted" ? { reason: `${end.reason} after ${formatDuration(ms(profiledMs))}` } : null;
    const target = `pid ${pid}${info.cmdline ? ` (${info.cmdline.join(" ")})` : ""}`;
    const { profile, rawFiles } = await convertV8Profile(raw, {
      outDir: options.outDir,
      meta: {
        name: target,
        target,
        ...(info.cmdline ? { command: info.cmdline } : {}),
        pid,
        startTime,
        durationMs: profiledMs,
        sampleRateHz,
        collector: "v8-inspector",
        ...(partial ? { partial } : {}),
      },
    });
    const result: CollectResult = { profile, exitCode: null, partial, rawFiles };
    if (notes.length > 0) result.notes = notes;
    return result;
  } catch (error) {
    // We opened the inspector but never got a session to close it through: try once with a
    // fresh connection, and if that fails too, say that the port may still be open.
    if (client === null && !opened.wasOpen && !wrongProcess) {
      const left = await CdpClient.connect(opened.url)
        .then((fresh) => detach(fresh, opened))
        .catch(() => ["no connection"]);
      if (left.length > 0) throw withInspectorLeftOpen(error, opened);
    }
    throw error;
  } finally {
    progress.stopTicking();
    if (client) await detach(client, opened).catch(() => undefined);
  }
}

function withInspectorLeftOpen(error: unknown, opened: OpenedInspector): unknown {
  const note = `the inspector of pid ${opened.pid} may still be open on ${opened.host}:${opened.port} (it closes when the process restarts)`;
  if (!(error instanceof PerfError)) return error;
  return new PerfError(error.code, error.message, { where: error.where ?? {}, hint: error.hint ? `${error.hint}. Note: ${note}` : `Note: ${note}`, cause: error.cause, partialFiles: error.partialFiles });
}

type AttachEnd = { kind: "duration" } | { kind: "aborted"; reason: string } | { kind: "lost" };

function waitForAttachEnd(client: CdpClient, options: NodeAttachOptions): Promise<AttachEnd> {
  return waitForStop<AttachEnd>([client.closed.then(() => ({ kind: "lost" as const }))], options.durationMs, options.signal);
}

/**
 * Leaves the target as we found it: if we opened its inspector, we close it again from
 * inside (process._debugEnd) and check that the port refuses connections; if it was open
 * already, we only disconnect. Returns notes for anything that did not go as planned.
 */
async function detach(client: CdpClient, opened: OpenedInspector): Promise<string[]> {
  const notes: string[] = [];
  if (opened.wasOpen || client.isClosed) {
    await client.close();
    return notes;
  }
  const answer = await client.send("Runtime.evaluate", { expression: CLOSE_INSPECTOR_EXPRESSION, returnByValue: true }, 5000).catch(() => null);
  const value = (answer?.result as { value?: unknown } | undefined)?.value;
  if (value === "scheduled") {
    // The target closes the connection itself; wait for that, then close our side anyway.
    await withTimeout(client.closed, 3000, null);
  }
  await client.close();
  if (!(await opened.waitClosed(3000))) {
    notes.push(
      value === "unsupported"
        ? `this Node version has no process._debugEnd; the inspector of pid ${opened.pid} stays open on port ${opened.port}`
        : `the inspector of pid ${opened.pid} was still listening on port ${opened.port} after detaching`,
    );
  }
  return notes;
}
