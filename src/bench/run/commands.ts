/**
 * Command benchmarks (what hyperfine does): each command, for each parameter value, run
 * in fresh processes until enough runs and run time are collected, one wall-clock sample
 * per run, hooks around them, and one BenchResult of kind "command" each.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { computeSampleStats } from "../analyze/sample-stats.js";
import { collectMachineInfo } from "../machine.js";
import { BENCH_MODEL_VERSION, isNonEmpty, type BenchError, type BenchResult, type BenchRun, type NonEmptyArray } from "../model.js";
import { describeRunFailure, type RunFailure } from "./command-failure.js";
import { planCommandBenchmarks, type CommandBenchOptions, type CommandPlan, type CommandTarget } from "./command-plan.js";
import { startCommandLauncher, type CommandLauncher, type SpawnOutcome } from "./command-launcher.js";
import { measureShellOverhead, openStderrCapture, type ShellOverhead, type StderrCapture } from "./command-process.js";

export type { CommandBenchOptions, CommandBenchProgress } from "./command-plan.js";
export { expandParameterScan, type ParameterScan } from "./command-text.js";

/** Calibration runs of `sh -c ""`: ~1 ms each, so this costs tens of milliseconds. */
const SHELL_CALIBRATION_RUNS = 30;

interface TargetState {
  target: CommandTarget;
  /** Raw wall times of the timed runs, ns, shell included. */
  samples: number[];
  elapsedNs: number;
  warmupsDone: number;
  failedRuns: number;
  error: BenchError | undefined;
  /** Setup was attempted, so cleanup is owed. */
  started: boolean;
  cleanedUp: boolean;
}

interface RunContext {
  plan: CommandPlan;
  launcher: CommandLauncher;
  capture: StderrCapture | undefined;
  ignoreFailure: boolean;
  options: CommandBenchOptions;
}

/**
 * Benchmarks shell commands. Returns a BenchRun with one result per command × parameter
 * value; a command that fails is an errored result and the others still run. On abort it
 * stops the running process and returns what was measured, with `partial: true`.
 */
export async function runCommandBenchmarks(options: CommandBenchOptions): Promise<BenchRun> {
  const plan = planCommandBenchmarks(options);
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = collectMachineInfo();
  const capture = options.showOutput ? undefined : openStderrCapture();
  const launcher = startCommandLauncher({ cwd: plan.cwd, env: { ...process.env, ...options.env }, showOutput: options.showOutput ?? false, stderrPath: capture?.path });
  const ctx: RunContext = { plan, launcher, capture, ignoreFailure: options.ignoreFailure ?? false, options };
  const states: TargetState[] = plan.targets.map((target) => ({ target, samples: [], elapsedNs: 0, warmupsDone: 0, failedRuns: 0, error: undefined, started: false, cleanedUp: false }));
  let overhead: ShellOverhead | undefined;
  let aborted = false;
  try {
    if (plan.shell !== false) {
      const measured = await measureShellOverhead(plan.shell, launcher, SHELL_CALIBRATION_RUNS, options.signal);
      if (measured === null) aborted = true;
      else {
        overhead = measured;
        options.onProgress?.({ phase: "shell-overhead", shell: measured.shell, medianNs: measured.medianNs });
      }
    }
    if (!aborted) aborted = plan.interleave ? await runInterleaved(states, ctx) : await runSequential(states, ctx);
    // Cleanups run even after an abort (without the signal): leaving a command's state behind is worse than a late stop.
    for (const state of states) await runCleanup(state, ctx);
  } finally {
    await launcher.close();
    capture?.close();
  }
  const run: BenchRun = {
    version: BENCH_MODEL_VERSION,
    suite: options.suite ?? readSuiteName(plan.cwd),
    ...(options.label !== undefined ? { label: options.label } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    machine,
    results: states.map((s) => toResult(s, overhead, aborted)),
  };
  if (aborted) run.partial = true;
  return run;
}

async function runInterleaved(states: TargetState[], ctx: RunContext): Promise<boolean> {
  for (const state of states) if (await runSetup(state, ctx)) return true;
  return runRounds(states, ctx);
}

async function runSequential(states: TargetState[], ctx: RunContext): Promise<boolean> {
  for (const state of states) {
    if ((await runSetup(state, ctx)) || (await runRounds([state], ctx))) return true;
    await runCleanup(state, ctx);
  }
  return false;
}

/** Round-robin one run of each target that still needs runs, until none does. Returns true when aborted. */
async function runRounds(states: TargetState[], ctx: RunContext): Promise<boolean> {
  for (;;) {
    const active = states.filter((s) => needsMoreRuns(s, ctx.plan));
    if (active.length === 0) return false;
    for (const state of active) if (await runOnce(state, ctx)) return true;
  }
}

function needsMoreRuns(state: TargetState, plan: CommandPlan): boolean {
  if (state.error) return false;
  if (state.warmupsDone < plan.warmup) return true;
  const n = state.samples.length;
  if ("exact" in plan.runs) return n < plan.runs.exact;
  return (n < plan.runs.minRuns || state.elapsedNs < plan.runs.minTimeNs) && n < plan.runs.maxRuns;
}

/** One warmup or timed run, its prepare hook first. Returns true when aborted. */
async function runOnce(state: TargetState, ctx: RunContext): Promise<boolean> {
  const { target } = state;
  if (target.hooks.prepare) {
    const outcome = await runHook("prepare", state, ctx, ctx.options.signal);
    if (outcome === "aborted") return true;
    if (outcome === "failed") return false;
  }
  const warmup = state.warmupsDone < ctx.plan.warmup;
  const index = warmup ? state.warmupsDone + 1 : state.samples.length + 1;
  const outcome = await spawnRun(ctx, target.argv, ctx.options.signal);
  if (outcome.kind === "aborted") return true;
  if (outcome.kind === "spawn-failed") {
    state.error = describeRunFailure({ what: "command", target, shell: ctx.plan.shell, phase: warmup ? "warmup" : "run", index, outcome, stderrTail: "" });
    return false;
  }
  if (outcome.exitCode !== 0) {
    if (!ctx.ignoreFailure) {
      state.error = describeRunFailure(failureOf("command", state, ctx, warmup ? "warmup" : "run", index, outcome));
      return false;
    }
    if (!warmup) state.failedRuns++;
  }
  if (warmup) state.warmupsDone++;
  else {
    state.samples.push(outcome.ns);
    state.elapsedNs += outcome.ns;
  }
  const total = "exact" in ctx.plan.runs ? (warmup ? ctx.plan.warmup : ctx.plan.runs.exact) : warmup ? ctx.plan.warmup : undefined;
  ctx.options.onProgress?.({ phase: warmup ? "warmup" : "run", name: target.name, ...paramsOf(target), run: index, total, ns: outcome.ns });
  return false;
}

function failureOf(what: RunFailure["what"], state: TargetState, ctx: RunContext, phase: RunFailure["phase"], index: number, outcome: RunFailure["outcome"]): RunFailure {
  return { what, target: state.target, shell: ctx.plan.shell, phase, index, outcome, stderrTail: ctx.capture?.readTail() ?? "" };
}

async function runSetup(state: TargetState, ctx: RunContext): Promise<boolean> {
  state.started = true;
  if (!state.target.hooks.setup) return false;
  ctx.options.onProgress?.({ phase: "setup", name: state.target.name, ...paramsOf(state.target) });
  return (await runHook("setup", state, ctx, ctx.options.signal)) === "aborted";
}

async function runCleanup(state: TargetState, ctx: RunContext): Promise<void> {
  if (!state.started || state.cleanedUp) return;
  state.cleanedUp = true;
  if (state.target.hooks.cleanup) {
    ctx.options.onProgress?.({ phase: "cleanup", name: state.target.name, ...paramsOf(state.target) });
    await runHook("cleanup", state, ctx, undefined);
  }
  ctx.options.onProgress?.({ phase: "done", name: state.target.name, ...paramsOf(state.target), state: state.error || state.samples.length === 0 ? "errored" : "completed" });
}

/** Runs a hook; a failure errors the target (unless it already failed: the first cause is the one to fix). */
async function runHook(hook: "setup" | "prepare" | "cleanup", state: TargetState, ctx: RunContext, signal: AbortSignal | undefined): Promise<"ok" | "failed" | "aborted"> {
  const argv = state.target.hooks[hook];
  if (!argv) return "ok";
  const outcome = await spawnRun(ctx, argv, signal);
  if (outcome.kind === "aborted") return "aborted";
  if (outcome.kind === "exited" && outcome.exitCode === 0) return "ok";
  state.error ??= describeRunFailure(failureOf(hook, state, ctx, hook, state.samples.length + 1, outcome));
  return "failed";
}

function spawnRun(ctx: RunContext, argv: NonEmptyArray<string>, signal: AbortSignal | undefined): Promise<SpawnOutcome> {
  ctx.capture?.reset();
  return ctx.launcher.run(argv, signal);
}

function paramsOf(target: CommandTarget): { params?: Record<string, string> } {
  return target.params ? { params: target.params } : {};
}

function toResult(state: TargetState, overhead: ShellOverhead | undefined, aborted: boolean): BenchResult {
  const { target } = state;
  const base = { name: target.name, kind: "command" as const, source: target.command, ...paramsOf(target) };
  if (state.error) return { ...base, state: "errored", error: state.error };
  const overheadNs = overhead?.medianNs ?? 0;
  // Like hyperfine: a run cannot take less than nothing, so corrected times are floored at 0.
  const corrected = state.samples.map((ns) => Math.max(0, ns - overheadNs));
  // Every run is a fresh process, so each sample is its own "process" group: the statistics
  // then treat runs as independent, which they are (no JIT or cache state shared in-process).
  const samplesByProcess = corrected.map((ns): NonEmptyArray<number> => [ns]);
  if (!isNonEmpty(samplesByProcess)) {
    const message = aborted ? "interrupted before the first timed run" : "no timed run was made";
    return { ...base, state: "errored", error: { message, where: `command: ${target.command}`, hint: aborted ? "Run again without interrupting." : "Check runs/minRuns." } };
  }
  const stats = computeSampleStats(samplesByProcess);
  const warnings = [...stats.warnings];
  if (overhead && stats.median < overhead.medianNs) {
    const floored = corrected.filter((ns) => ns === 0).length;
    warnings.push(
      `the command takes less time than starting ${overhead.shell} (${(overhead.medianNs / 1e6).toFixed(2)} ms), so its times are mostly the noise of that correction` +
        (floored > 0 ? ` (${floored} runs floored at 0)` : "") + "; benchmark it with shell: false for a direct measurement",
    );
  }
  if (state.failedRuns > 0) warnings.push(`${state.failedRuns} of ${state.samples.length} runs exited non-zero (ignoreFailure)`);
  const method = overhead
    ? `wall time from spawn to exit of \`${overhead.shell} -c <command>\`, minus the median time of \`${overhead.shell} -c ""\` (${(overhead.medianNs / 1e6).toFixed(3)} ms over ${overhead.runs} runs), floored at 0; one fresh process per run`
    : "wall time from spawn to exit, spawned directly without a shell; one fresh process per run";
  return {
    ...base,
    state: "completed",
    unit: "ns",
    batchSize: 1,
    samplesByProcess,
    stats: { ...stats, warnings },
    method,
    ...(overhead ? { shellOverheadNs: overhead.medianNs } : {}),
  };
}

function readSuiteName(cwd: string): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    const name = (pkg as { name?: unknown }).name;
    if (typeof name === "string" && name !== "") return name;
  } catch {
    // No readable package.json: the folder name is the next best suite name.
  }
  return basename(cwd) || "commands";
}
