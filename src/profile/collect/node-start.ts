import { fileURLToPath } from "node:url";
import { PerfError } from "../../core/errors.js";
import { dropSamplesThrough } from "../filter-samples.js";
import { formatDuration, ms } from "../../core/units.js";
import { CdpClient } from "./cdp-client.js";
import { withTimeout, describeExit, spawnProcess, terminateProcess, type ExitStatus, type StartedProcess } from "./child-process.js";
import { resolveSampleRate, validateDuration, waitForStop } from "./collect-options.js";
import { assertExecutableExists, assertNodeScriptExists, insertNodeFlags, isNodeExecutable } from "./node-command.js";
import { waitForInspectorUrl } from "./inspector-url.js";
import { OutputRelay, isInspectorLine } from "./output-relay.js";
import { ProgressReporter } from "./progress.js";
import type { CollectResult, CollectStdio, CommonCollectOptions } from "./types.js";
import { convertV8Profile, startV8Profiler, stopV8Profiler } from "./v8-session.js";

export interface NodeStartOptions extends CommonCollectOptions {
  /** The node command: ['node', 'app.js', ...args]. */
  command: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: CollectStdio;
  /** When set, the raw V8 profile is kept as `<outDir>/cpu.cpuprofile`. */
  outDir?: string;
}

/** Shipped beside this module in src/ and dist/ (the build copies it). */
const INSPECT_PRELOAD = fileURLToPath(new URL("./inspect-preload.cjs", import.meta.url));
const EXIT_AFTER_DETACH_TIMEOUT_MS = 10_000;

type EndReason = { kind: "finished" } | { kind: "duration" } | { kind: "aborted"; reason: string } | { kind: "lost"; status: ExitStatus | null };

/**
 * Starts a Node program with the inspector paused at the first line, starts the V8 sampling
 * profiler, lets the program run, and stops profiling when it ends (Node then waits for us
 * to disconnect), when `durationMs` has passed, or when `signal` aborts.
 */
export async function collectNodeCpuProfile(options: NodeStartOptions): Promise<CollectResult> {
  const sampleRateHz = resolveSampleRate(options.sampleRateHz);
  validateDuration(options.durationMs);
  const command = options.command;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const stdio = options.stdio ?? "inherit";
  assertExecutableExists(command, cwd, env);
  if (!isNodeExecutable(command[0]!)) {
    throw new PerfError("USAGE", `the inspector collector profiles node programs, but the command starts with ${command[0]}`, {
      hint: "run node directly (['node', 'app.js']) or use the perf collector for other programs",
    });
  }
  assertNodeScriptExists(command, cwd);
  if (options.signal?.aborted) throw new PerfError("INTERRUPTED", "interrupted before the target was started");

  const progress = new ProgressReporter(options.onProgress);
  const target = command.join(" ");
  progress.report("starting", `starting ${target}`);
  // The preload opens the inspector on a free loopback port and waits for us, for this
  // process only: children it forks do not inherit the wait (see inspect-preload.cjs).
  const argv = insertNodeFlags(command, ["--require", INSPECT_PRELOAD]);
  const started = spawnProcess(argv[0]!, argv.slice(1), {
    cwd,
    env: { ...env, PERFSCOPE_INSPECT_ONCE: "1" },
    stdio: ["ignore", stdio === "inherit" ? "inherit" : stdio === "pipe" ? "pipe" : "ignore", "pipe"],
  });
  const stdoutRelay = started.child.stdout ? new OutputRelay(started.child.stdout, "pipe", process.stdout, () => false) : null;
  const stderrRelay = new OutputRelay(started.child.stderr!, stdio, process.stderr, isInspectorLine);
  let client: CdpClient | null = null;
  try {
    const url = await waitForInspectorUrl(started, stderrRelay, command, { signal: options.signal, purpose: "profiling" });
    client = await CdpClient.connect(url);
    const session = client;
    const finished = watchForProgramEnd(stderrRelay);
    await startV8Profiler(session, sampleRateHz);
    const startTime = new Date().toISOString();
    const t0 = Date.now();
    await session.send("Runtime.runIfWaitingForDebugger");
    progress.startTicking(() => ({ message: `profiling pid ${started.pid} at ${sampleRateHz} Hz` }));

    const end = await waitForEnd(started, session, finished, options);
    progress.stopTicking();
    const profiledMs = Date.now() - t0;
    if (end.kind === "lost") throw targetLostError(started, end.status, profiledMs);

    progress.report("stopping", "stopping the profiler");
    const raw = await stopV8Profiler(session);
    await session.close();
    let status: ExitStatus | null;
    if (end.kind === "finished") {
      // Node exits by itself once we disconnect; only a stuck process gets terminated.
      status = await withTimeout(started.exited, EXIT_AFTER_DETACH_TIMEOUT_MS, null);
      if (!status) await terminateProcess(started);
    } else {
      await terminateProcess(started);
      status = null;
    }

    progress.report("converting", "converting the V8 profile");
    const partial = describePartial(end, status, profiledMs, options.durationMs);
    const { profile: converted, rawFiles } = await convertV8Profile(raw, {
      outDir: options.outDir,
      meta: {
        name: target,
        target,
        command: [...command],
        ...(started.pid !== undefined ? { pid: started.pid } : {}),
        startTime,
        durationMs: profiledMs,
        sampleRateHz,
        collector: "v8-inspector",
        ...(partial ? { partial } : {}),
      },
    });
    // The preload's few samples (waiting for us to attach) are perfscope's, not the program's.
    const profile = dropSamplesThrough(converted, (f) => f.file !== undefined && f.file.endsWith("inspect-preload.cjs"));
    await Promise.all([stdoutRelay?.whenEnded(), stderrRelay.whenEnded()]);
    const result: CollectResult = { profile, exitCode: status?.code ?? null, partial, rawFiles };
    if (stdio === "pipe") result.output = { stdout: stdoutRelay?.capture() ?? "", stderr: stderrRelay.capture() };
    return result;
  } catch (error) {
    // Stop the target before reading its exit: one still paused in the preload, waiting for
    // a debugger that will not come, would never exit by itself.
    if (client) await client.close();
    if (!started.status) await terminateProcess(started);
    throw await translateStartError(error, started, command);
  } finally {
    progress.stopTicking();
    if (client) await client.close();
    if (!started.status) await terminateProcess(started);
  }
}

/**
 * Resolves when the program has finished and Node waits for the debugger to disconnect.
 * Node says so on stderr; we read that rather than enabling the Runtime domain, which would
 * stream every console call of the target over the socket and add overhead.
 */
function watchForProgramEnd(stderr: OutputRelay): Promise<void> {
  return new Promise((resolve) => {
    stderr.onLine((line) => {
      if (line === "Waiting for the debugger to disconnect...") resolve();
    });
  });
}

async function waitForEnd(started: StartedProcess, client: CdpClient, finished: Promise<void>, options: NodeStartOptions): Promise<EndReason> {
  const end: EndReason = await waitForStop<EndReason>(
    [
      finished.then(() => ({ kind: "finished" as const })),
      started.exited.then((status) => ({ kind: "lost" as const, status })),
      client.closed.then(() => ({ kind: "lost" as const, status: started.status })),
    ],
    options.durationMs,
    options.signal,
  );
  if (end.kind === "lost" && !end.status) {
    // The socket closed first; give the exit event a moment to tell us how the target ended.
    end.status = await withTimeout(started.exited, 1000, null);
  }
  return end;
}

function describePartial(end: EndReason, status: ExitStatus | null, profiledMs: number, durationMs: number | undefined): { reason: string } | null {
  const after = formatDuration(ms(profiledMs));
  if (end.kind === "aborted") return { reason: `${end.reason} after ${after}; the target was terminated` };
  if (end.kind !== "finished" || !status) return null;
  if (status.code !== 0 || status.signal) return { reason: `the target ${describeExit(status)} after ${after}` };
  if (durationMs !== undefined) return { reason: `the target exited after ${after}, before the requested ${formatDuration(ms(durationMs))}` };
  return null;
}

function targetLostError(started: StartedProcess, status: ExitStatus | null, profiledMs: number): PerfError {
  const how = status ? describeExit(status) : "disappeared";
  return new PerfError("TARGET_EXITED", `the target (pid ${started.pid}) ${how} after ${formatDuration(ms(profiledMs))} while being profiled; the V8 profile is kept inside the target process and was lost with it`, {
    where: started.pid !== undefined ? { pid: started.pid } : {},
    hint:
      status?.signal === "SIGKILL"
        ? "something killed it with SIGKILL (the OOM killer, a supervisor, kill -9); to end early and keep the data use durationMs or Ctrl-C to perfscope, or use the perf collector, which writes samples to disk as it goes"
        : "to end early and keep the data use durationMs or Ctrl-C to perfscope; for a target that may crash, the perf collector writes samples to disk as it goes",
  });
}

async function translateStartError(error: unknown, started: StartedProcess, command: string[]): Promise<unknown> {
  if (error instanceof PerfError) return error;
  const spawnError = await started.exited.then(() => null, (e: unknown) => e as NodeJS.ErrnoException);
  if (spawnError?.code === "ENOENT") {
    return new PerfError("TARGET_NOT_FOUND", `command not found: ${command[0]}`, { where: { file: command[0] }, hint: "give the full path to node", cause: spawnError });
  }
  if (spawnError?.code === "EACCES") {
    return new PerfError("PERMISSION_DENIED", `not allowed to run ${command[0]}`, { where: { file: command[0] }, hint: "check the file's execute permission", cause: spawnError });
  }
  return error;
}
