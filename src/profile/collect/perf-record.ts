import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";
import { formatBytes, formatDuration, ms } from "../../core/units.js";
import { assertPidExists, delay, withTimeout, describeExit, pidExists, signalProcess, spawnProcess, terminateProcess, type ExitStatus } from "./child-process.js";
import { resolveSampleRate, validateDuration, waitForStop } from "./collect-options.js";
import { assertExecutableExists, assertNodeScriptExists, insertNodeFlags, isNodeExecutable } from "./node-command.js";
import { OutputRelay } from "./output-relay.js";
import { convertPerfData } from "./perf-convert.js";
import { classifyPerfRecordFailure, isPerfStatusLine, parseRecordedSamples } from "./perf-errors.js";
import { PerfMapTracker } from "./perf-maps.js";
import { locatePerf, type PerfToolOptions } from "./perf-tool.js";
import { readProcessInfo } from "./proc-info.js";
import { ProgressReporter } from "./progress.js";
import type { CollectResult, CollectStdio, CommonCollectOptions } from "./types.js";

export interface PerfCollectOptions extends CommonCollectOptions, PerfToolOptions {
  /** A command to start under perf; node commands get JS symbol maps switched on. */
  command?: string[];
  /** Or a running process to profile (needs durationMs or a signal to end). */
  pid?: number;
  /** perf.data goes here; nothing else is written outside it except Node's temporary maps. */
  outDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: CollectStdio;
}

/** Flags that make Node publish its JIT code symbols for perf and keep JS frames on the native stack. */
export const NODE_PERF_FLAGS = ["--perf-basic-prof", "--interpreted-frames-native-stack"] as const;

const STOP_TIMEOUT_MS = 15_000;

type End = { kind: "exited"; status: ExitStatus } | { kind: "duration" } | { kind: "aborted"; reason: string };

/**
 * Profiles any process with Linux perf: `perf record -F <hz> -g` on a command or a pid,
 * then `perf script` streamed into the importer. Mixed stacks: JS (via Node's perf maps),
 * native and kernel frames in one profile. perf.data is kept in outDir.
 */
export async function collectPerfProfile(options: PerfCollectOptions): Promise<CollectResult> {
  const sampleRateHz = resolveSampleRate(options.sampleRateHz);
  validateDuration(options.durationMs);
  const { pid } = options;
  if ((options.command === undefined) === (pid === undefined)) {
    throw new PerfError("USAGE", "give either a command or a pid to profile with perf, not both or neither", { hint: "e.g. { command: ['node', 'app.js'] } or { pid: 1234, durationMs: 10000 }" });
  }
  if (pid !== undefined && options.durationMs === undefined && !options.signal) {
    throw new PerfError("USAGE", "profiling a pid needs durationMs (or an abort signal) to know when to stop", { where: { pid }, hint: "e.g. durationMs: 10000" });
  }
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const stdio = options.stdio ?? "inherit";
  const tool = await locatePerf(options);

  let command: string[] | undefined;
  const notes: string[] = [];
  if (options.command) {
    assertExecutableExists(options.command, cwd, env);
    command = options.command;
    if (isNodeExecutable(command[0]!)) {
      assertNodeScriptExists(command, cwd);
      // --perf-basic-prof makes V8 write an isolate-*.log into the working folder: send it
      // to the run's folder instead, so nothing lands outside it.
      const logFile = join(resolve(cwd, options.outDir), "node-v8.log");
      command = insertNodeFlags(command, [...NODE_PERF_FLAGS, "--no-logfile-per-isolate", `--logfile=${logFile}`]);
    }
  } else if (pid !== undefined) {
    assertPidExists(pid);
    const info = readProcessInfo(pid);
    const flags = `${info.cmdline?.join(" ") ?? ""} ${info.nodeOptions ?? ""}`;
    if (info.exe && isNodeExecutable(info.exe) && !flags.includes("--perf-basic-prof")) {
      notes.push(`pid ${pid} is node without --perf-basic-prof: its JS frames appear as addresses; restart it with ${NODE_PERF_FLAGS.join(" ")} to see function names`);
    }
  }
  if (options.signal?.aborted) throw new PerfError("INTERRUPTED", "interrupted before perf was started");

  const outDir = resolve(cwd, options.outDir);
  await mkdir(outDir, { recursive: true });
  const dataFile = join(outDir, "perf.data");
  const progress = new ProgressReporter(options.onProgress);
  const target = pid !== undefined ? `pid ${pid}` : options.command!.join(" ");
  progress.report("starting", `starting perf record on ${target}`);

  const maps = new PerfMapTracker();
  // -N: no copies of binaries into ~/.debug, so nothing is written outside outDir.
  const recordArgs = ["record", "-N", "-F", String(Math.round(sampleRateHz)), "-g", "-o", dataFile, ...(pid !== undefined ? ["-p", String(pid)] : ["--", ...command!])];
  const perf = spawnProcess(tool.argv[0]!, [...tool.argv.slice(1), ...recordArgs], {
    cwd,
    env,
    stdio: ["ignore", stdio === "inherit" ? "inherit" : stdio === "pipe" ? "pipe" : "ignore", "pipe"],
  });
  const stdoutRelay = perf.child.stdout ? new OutputRelay(perf.child.stdout, "pipe", process.stdout, () => false) : null;
  // perf and its workload share stderr: relay the workload's lines, keep all for diagnosis.
  const stderrRelay = new OutputRelay(perf.child.stderr!, stdio, process.stderr, isPerfStatusLine);
  let allStderr = "";
  stderrRelay.onLine((line) => {
    if (allStderr.length < 65_536) allStderr += `${line}\n`;
  });

  let recorded = false;
  try {
    if (command) await trackWorkload(perf.pid, maps, perf.exited);
    const startTime = new Date().toISOString();
    const t0 = Date.now();
    progress.startTicking(() => ({ message: `perf recording ${target} at ${sampleRateHz} Hz (${describeDataSize(dataFile)})` }));
    const end = await waitForPerfEnd(perf.exited, options);
    progress.stopTicking();
    const profiledMs = Date.now() - t0;
    let status: ExitStatus | null = end.kind === "exited" ? end.status : null;
    if (end.kind !== "exited") {
      progress.report("stopping", "stopping perf (SIGINT)");
      // SIGINT makes perf flush perf.data and end its workload (it sends SIGTERM to it).
      signalProcess(perf, "SIGINT");
      status = await withTimeout(perf.exited, STOP_TIMEOUT_MS, null);
      if (!status) status = await terminateProcess(perf);
    }
    await stderrRelay.whenEnded();
    const samples = parseRecordedSamples(allStderr);
    recorded = samples !== null && existsSync(dataFile);
    if (samples === null || !recorded) {
      throw classifyPerfRecordFailure({ stderr: allStderr, exitCode: status?.code ?? null, pid, command: options.command, dataFile });
    }

    progress.report("converting", `converting ${samples} samples`, samples);
    const profile = await convertPerfData(tool.argv, dataFile, (bytes) => progress.reportThrottled("converting", `perf script: ${formatBytes(bytes)} read`, samples));
    const exitCode = end.kind === "exited" && pid === undefined ? (status?.code ?? null) : null;
    const partial = describePerfPartial(end, profiledMs, options.durationMs, pid);
    // Processes the workload forked wrote maps too; in command mode the whole tree is ours.
    // A process's main thread id is its pid, so thread ids cover forks when pids are not printed.
    if (pid === undefined) maps.track([...(profile.meta.pids ?? []), ...(profile.meta.tids ?? []), ...(profile.meta.pid !== undefined ? [profile.meta.pid] : [])]);
    const workloadPid = pid ?? maps.trackedPids[0];
    profile.meta = {
      ...profile.meta,
      name: target,
      target,
      ...(options.command ? { command: [...options.command] } : {}),
      ...(workloadPid !== undefined ? { pid: workloadPid } : {}),
      startTime,
      durationMs: profiledMs,
      sampleRateHz,
      collector: "linux-perf",
      ...(partial ? { partial } : {}),
    };
    await Promise.all([stdoutRelay?.whenEnded()]);
    const result: CollectResult = { profile, exitCode, partial, rawFiles: [dataFile] };
    if (stdio === "pipe") result.output = { stdout: stdoutRelay?.capture() ?? "", stderr: stderrRelay.capture() };
    if (notes.length > 0) result.notes = notes;
    return result;
  } catch (error) {
    // A recording that failed only later (in perf script) is still worth keeping and naming.
    if (error instanceof PerfError && recorded && error.partialFiles.length === 0) error.partialFiles.push(dataFile);
    throw error;
  } finally {
    progress.stopTicking();
    if (!perf.status) await terminateProcess(perf, "SIGINT");
    await maps.cleanUp();
  }
}

/** Polls perf's children from the start: perf forks the workload before it begins recording. */
async function trackWorkload(perfPid: number | undefined, maps: PerfMapTracker, exited: Promise<unknown>): Promise<void> {
  if (perfPid === undefined) return;
  let done = false;
  void exited.then(
    () => (done = true),
    () => (done = true),
  );
  const deadline = Date.now() + 3000;
  while (!done && Date.now() < deadline && maps.trackedPids.length === 0) {
    maps.trackChildrenOf(perfPid);
    if (maps.trackedPids.length === 0) await delay(5);
  }
}

function waitForPerfEnd(exited: Promise<ExitStatus>, options: PerfCollectOptions): Promise<End> {
  return waitForStop<End>([exited.then((status) => ({ kind: "exited" as const, status }))], options.durationMs, options.signal);
}

function describePerfPartial(end: End, profiledMs: number, durationMs: number | undefined, pid: number | undefined): { reason: string } | null {
  const after = formatDuration(ms(profiledMs));
  if (end.kind === "aborted") return { reason: `${end.reason} after ${after}; perf was stopped with SIGINT and its data kept` };
  if (end.kind !== "exited") return null;
  // With -p, perf ends by itself only when the process it watches has gone.
  if (pid !== undefined) return { reason: pidExists(pid) ? `perf ended early (${describeExit(end.status)}) after ${after}` : `pid ${pid} exited after ${after}` };
  if (end.status.code !== 0 || end.status.signal) return { reason: `the target ${describeExit(end.status)} after ${after}` };
  if (durationMs !== undefined) return { reason: `the target exited after ${after}, before the requested ${formatDuration(ms(durationMs))}` };
  return null;
}

function describeDataSize(file: string): string {
  try {
    return `perf.data ${formatBytes(statSync(file).size)}`;
  } catch {
    return "perf.data not written yet";
  }
}
