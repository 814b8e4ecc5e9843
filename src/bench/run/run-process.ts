/**
 * One fresh harness process per call: list the benchmarks of a file, or measure one
 * benchmark. A fresh process gives every measurement its own JIT state and heap, and these
 * are the primitives the suite runner and the git-versions runner interleave.
 */
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isNonEmpty, type BenchError, type NonEmptyArray } from "../model.js";
import { isHarnessReply, type HarnessReply, type HarnessRequest } from "./protocol.js";

export type ListOutcome = { state: "ok"; names: string[] } | { state: "errored"; error: BenchError };

export interface BenchProcessRequest {
  file: string;
  name: string;
  cwd: string;
  timeMs: number;
  warmupMs: number;
  minSamples?: number;
  batchSize?: number;
  env?: Record<string, string>;
  /** Kills the process; the outcome is then errored ("aborted"). */
  signal?: AbortSignal;
}

export type BenchProcessOutcome =
  | { state: "completed"; name: string; batchSize: number; samples: NonEmptyArray<number> }
  | { state: "errored"; name: string; error: BenchError };

/** Samples per process at least, even if timeMs runs out first (a slow function). */
export const DEFAULT_MIN_SAMPLES = 10;
/** Importing a bench file (and its setup) may build large inputs; allow it this long. */
const LOAD_TIMEOUT_MS = 60_000;
/**
 * Limits of a measuring process: the child stops sampling at softLimitMs (so a slow function
 * still reports), the runner kills it at measureTimeoutMs.
 */
function measureLimits(measureMs: number, warmupMs: number): { softLimitMs: number; measureTimeoutMs: number } {
  const margin = 3_000 + measureMs + warmupMs;
  return { softLimitMs: warmupMs + measureMs + margin / 2, measureTimeoutMs: warmupMs + measureMs + margin };
}

const HARNESS_IS_TS = import.meta.url.endsWith(".ts");
const HARNESS_FILE = fileURLToPath(new URL(`./harness${HARNESS_IS_TS ? ".ts" : ".js"}`, import.meta.url));
// tsx lets the harness load TypeScript bench files; resolved from perfscope's own
// dependencies so a bench project without node_modules still works.
const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const JS_FILE_RE = /\.(?:mjs|js|cjs)$/;
/** JavaScript bench files seen importing TypeScript: they need tsx after all. */
const jsFilesNeedingTsx = new Set<string>();

/**
 * tsx adds ~0.3 s to every process start, so the built harness skips it for JavaScript
 * bench files, retrying with it when the file turns out to import TypeScript.
 */
function wantsTsx(file: string): boolean {
  return HARNESS_IS_TS || !JS_FILE_RE.test(file) || jsFilesNeedingTsx.has(file);
}

interface HarnessRun {
  replies: HarnessReply[];
  /** Why the process ended without a final reply, when it did. */
  failure?: string;
}

interface HarnessOptions {
  cwd: string;
  env?: Record<string, string>;
  measureTimeoutMs?: number;
  signal?: AbortSignal;
}

async function runHarness(request: HarnessRequest, options: HarnessOptions): Promise<HarnessRun> {
  const files = request.mode === "interleave" ? request.files : [request.file];
  const useTsx = files.some(wantsTsx);
  const run = await spawnHarness(request, options, useTsx);
  const reply = finalReply(run);
  if (!useTsx && reply?.type === "failed" && /Unknown file extension "\.[cm]?tsx?"/.test(reply.error.message)) {
    for (const file of files) jsFilesNeedingTsx.add(file);
    return spawnHarness(request, options, true);
  }
  return run;
}

/** Forks the harness, sends `request`, and collects replies until a final one or a failure. */
function spawnHarness(request: HarnessRequest, options: HarnessOptions, useTsx: boolean): Promise<HarnessRun> {
  return new Promise((resolve) => {
    const replies: HarnessReply[] = [];
    let stderrTail = "";
    let settled = false;
    let failure: string | undefined;
    const child = fork(HARNESS_FILE, [], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      execArgv: useTsx ? ["--import", TSX_LOADER_URL] : [],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "json",
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
    });
    const kill = (reason: string): void => {
      failure ??= reason;
      child.kill("SIGKILL");
    };
    let timer = setTimeout(() => kill(`timed out loading the bench file after ${LOAD_TIMEOUT_MS} ms`), LOAD_TIMEOUT_MS);
    const onAbort = (): void => kill("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    child.on("message", (message: unknown) => {
      if (!isHarnessReply(message)) return;
      replies.push(message);
      if (message.type === "ready" && options.measureTimeoutMs !== undefined) {
        clearTimeout(timer);
        const limit = options.measureTimeoutMs;
        timer = setTimeout(() => kill(`timed out after ${limit} ms of measuring (a call that never returns, or one much slower than the time budget)`), limit);
      }
    });
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (!replies.some((r) => r.type !== "ready")) {
        const tail = stderrTail.trim().split("\n").slice(-8).join("\n");
        failure ??= `the benchmark process exited (${exit || "unknown status"}) without a result${tail ? `:\n${tail}` : ""}`;
        resolve({ replies, failure });
        return;
      }
      resolve({ replies });
    };
    child.on("error", (error) => {
      failure ??= `could not start the benchmark process in ${options.cwd}: ${error.message}`;
      done();
    });
    let exit = "";
    // "close" comes after the IPC channel and stderr drained, so no reply is lost to a race;
    // the fallback covers a grandchild that keeps stderr open.
    child.on("exit", (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      setTimeout(done, 2_000).unref();
    });
    child.on("close", done);
    child.send(request);
  });
}

function finalReply(run: HarnessRun): HarnessReply | undefined {
  return run.replies.find((r) => r.type !== "ready");
}

function processFailure(run: HarnessRun, file: string, hint: string): BenchError {
  return { message: run.failure ?? "the benchmark process gave no result", where: file, hint };
}

/** Imports `file` in a fresh process and returns the names its bench() calls registered. */
export async function listBenchmarks(file: string, options: { cwd: string }): Promise<ListOutcome> {
  const run = await runHarness({ mode: "list", file }, { cwd: options.cwd });
  const reply = finalReply(run);
  if (reply?.type === "listed") return { state: "ok", names: reply.names };
  if (reply?.type === "failed") return { state: "errored", error: reply.error };
  return { state: "errored", error: processFailure(run, file, "Run the bench file with node (or tsx) directly to see what goes wrong when it loads.") };
}

/** Measures one benchmark in a fresh process: warm-up, calibration (unless batchSize), samples. */
export async function runBenchmarkProcess(request: BenchProcessRequest): Promise<BenchProcessOutcome> {
  const { file, name, timeMs, warmupMs } = request;
  const { softLimitMs, measureTimeoutMs } = measureLimits(timeMs, warmupMs);
  const run = await runHarness(
    {
      mode: "run",
      file,
      name,
      timeMs,
      warmupMs,
      minSamples: request.minSamples ?? DEFAULT_MIN_SAMPLES,
      ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
      softLimitMs,
    },
    { cwd: request.cwd, measureTimeoutMs, ...(request.env ? { env: request.env } : {}), ...(request.signal ? { signal: request.signal } : {}) },
  );
  const reply = finalReply(run);
  if (reply?.type === "measured") {
    const samples = reply.samples.filter((s) => Number.isFinite(s) && s >= 0);
    if (isNonEmpty(samples)) return { state: "completed", name, batchSize: reply.batchSize, samples };
    return { state: "errored", name, error: { message: "the benchmark process reported no valid samples", where: file } };
  }
  if (reply?.type === "failed") return { state: "errored", name, error: reply.error };
  return { state: "errored", name, error: measuringFailure(run, file) };
}

/** A measuring process that ended without a result: stopped by us, or over its time. */
function measuringFailure(run: HarnessRun, file: string): BenchError {
  const hint =
    run.failure === "aborted"
      ? "The run was stopped before this benchmark finished."
      : "A benchmark must return (or resolve) within the time budget; raise timeMs if one call is slower than that.";
  return processFailure(run, file, hint);
}

export interface InterleavedProcessRequest {
  name: string;
  /** One entry per version: its bench file and the folder it runs in. */
  versions: { file: string; cwd: string }[];
  /** Measuring time per version (the process measures for versions × timeMs). */
  timeMs: number;
  warmupMs: number;
  minSamples?: number;
  batchSize?: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
}

export type InterleavedProcessOutcome =
  | { state: "completed"; name: string; batchSize: number; samples: NonEmptyArray<number>[] }
  | { state: "errored"; name: string; error: BenchError; /** The version that failed, when known. */ index?: number };

/**
 * Measures one benchmark of several versions in one fresh process, batch by batch in
 * turn (see measure-interleaved.ts): the comparison between versions then sees one machine.
 */
export async function runInterleavedProcess(request: InterleavedProcessRequest): Promise<InterleavedProcessOutcome> {
  const { name, timeMs, warmupMs, versions } = request;
  const first = versions[0];
  if (!first) return { state: "errored", name, error: { message: "no versions to measure" } };
  const { softLimitMs, measureTimeoutMs } = measureLimits(timeMs * versions.length, warmupMs);
  const run = await runHarness(
    {
      mode: "interleave",
      file: first.file,
      files: versions.map((v) => v.file),
      cwds: versions.map((v) => v.cwd),
      name,
      timeMs,
      warmupMs,
      minSamples: request.minSamples ?? DEFAULT_MIN_SAMPLES,
      ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
      softLimitMs,
    },
    { cwd: first.cwd, measureTimeoutMs, ...(request.env ? { env: request.env } : {}), ...(request.signal ? { signal: request.signal } : {}) },
  );
  const reply = finalReply(run);
  if (reply?.type === "measured-set") {
    const groups = reply.samples.map((list) => list.filter((s) => Number.isFinite(s) && s >= 0));
    const bad = groups.findIndex((g) => g.length === 0);
    if (bad >= 0 || groups.length !== versions.length) {
      return { state: "errored", name, index: Math.max(0, bad), error: { message: "the benchmark process reported no valid samples", where: versions[Math.max(0, bad)]?.file ?? first.file } };
    }
    return { state: "completed", name, batchSize: reply.batchSize, samples: groups as NonEmptyArray<number>[] };
  }
  if (reply?.type === "failed") return { state: "errored", name, error: reply.error, ...(reply.index !== undefined ? { index: reply.index } : {}) };
  return { state: "errored", name, error: measuringFailure(run, first.file) };
}
