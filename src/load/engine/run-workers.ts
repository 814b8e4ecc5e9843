/**
 * Drives the worker threads of one run: start them, release them together at one start
 * instant, relay progress, stop them on abort or overrun, and collect what they measured.
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { Worker } from "node:worker_threads";
import { PerfError } from "../../core/errors.js";
import type { LoadProgress } from "../model.js";
import type { LoadAggregator } from "./aggregate.js";
import type { LoadPlan } from "./plan.js";
import { spawnLoadWorker } from "./spawn-worker.js";
import type { WorkerToMain } from "./worker-protocol.js";

const READY_TIMEOUT_MS = 30_000;
/** Lead time between "go" and the shared start instant, so every worker starts together. */
const START_LEAD_MS = 30;
/** After a stop request, workers that have not answered by then are terminated. */
const STOP_DEADLINE_MS = 2000;
/** Beyond duration + timeout, a run that has not ended is stopped by force. */
const OVERRUN_SLACK_MS = 5000;

export interface WorkersOutcome {
  durationMs: number;
  /** Generator CPU over the run, as a fraction of all cores. */
  cpu: number;
  /** The busiest worker thread's CPU as a share of one core; null where unmeasured. */
  busiestWorkerCpu: number | null;
  partialReason: string | null;
}

interface WorkerState {
  worker: Worker;
  ready: boolean;
  done: boolean;
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function describeAbort(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name !== "AbortError") return `aborted: ${r.message}`;
  return typeof r === "string" ? `aborted: ${r}` : "aborted by signal";
}

/**
 * Prefers the workers' own thread CPU (Linux), which leaves out whatever else runs in this
 * process (a server under test in the same process, the caller's code); else process CPU.
 */
function measureCpu(threadCpuMs: (number | null)[], processCpu: NodeJS.CpuUsage, wallMs: number): { cpu: number; busiestWorkerCpu: number | null } {
  if (wallMs <= 0) return { cpu: 0, busiestWorkerCpu: null };
  const cores = availableParallelism();
  const known = threadCpuMs.filter((v): v is number => v !== null);
  if (known.length > 0 && known.length === threadCpuMs.length) {
    return { cpu: known.reduce((a, b) => a + b, 0) / (wallMs * cores), busiestWorkerCpu: Math.max(...known) / wallMs };
  }
  return { cpu: (processCpu.user + processCpu.system) / 1000 / (wallMs * cores), busiestWorkerCpu: null };
}

export function runLoadWorkers(
  plan: LoadPlan,
  aggregator: LoadAggregator,
  signal: AbortSignal | undefined,
  onProgress: ((p: LoadProgress) => void) | undefined,
): Promise<WorkersOutcome> {
  return new Promise((resolve, reject) => {
    const states: WorkerState[] = plan.workers.map((config) => ({ worker: spawnLoadWorker(config), ready: false, done: false }));
    const timers: NodeJS.Timeout[] = [];
    let startEpoch = 0;
    let cpuStart: NodeJS.CpuUsage | null = null;
    let partialReason: string | null = null;
    let settled = false;
    let stopping = false;

    const cleanup = (): void => {
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener("abort", onAbort);
      for (const s of states) void s.worker.terminate();
    };
    const complete = (): void => {
      if (settled || !states.every((s) => s.done)) return;
      settled = true;
      cleanup();
      if (cpuStart === null) {
        if (partialReason !== null && signal?.aborted) return resolve({ durationMs: 0, cpu: 0, busiestWorkerCpu: null, partialReason });
        return reject(new PerfError("INTERNAL", `load workers failed before the run started: ${partialReason ?? "unknown"}`, { where: { url: plan.target }, hint: "run again; if it persists, report it with this message" }));
      }
      const durationMs = Math.max(0, epochNow() - startEpoch);
      resolve({ durationMs, ...measureCpu(aggregator.threadCpuMs, process.cpuUsage(cpuStart), durationMs), partialReason });
    };
    const stopAll = (reason: string): void => {
      partialReason ??= reason;
      if (stopping) return;
      stopping = true;
      for (const s of states) if (!s.done) s.worker.postMessage({ type: "stop" });
      timers.push(
        setTimeout(() => {
          for (const s of states) s.done = true;
          complete();
        }, STOP_DEADLINE_MS),
      );
    };
    function onAbort(): void {
      if (signal) stopAll(describeAbort(signal));
      if (cpuStart === null) {
        for (const s of states) s.done = true;
        complete();
      }
    }

    const reportProgress = (): void => {
      if (settled || !onProgress) return;
      const elapsed = epochNow() - startEpoch;
      try {
        onProgress(aggregator.progress(elapsed));
      } catch {
        // A failing progress callback must not end the run.
      }
      timers.push(setTimeout(reportProgress, 1000 - (elapsed % 1000) + 100));
    };
    const begin = (): void => {
      clearTimeout(readyTimer);
      startEpoch = epochNow() + START_LEAD_MS;
      cpuStart = process.cpuUsage();
      for (const s of states) s.worker.postMessage({ type: "start", startEpochMs: startEpoch });
      timers.push(setTimeout(reportProgress, START_LEAD_MS + 1100));
      if (plan.durationMs !== null) {
        timers.push(setTimeout(() => stopAll("the run overran its duration and was stopped"), START_LEAD_MS + plan.durationMs + plan.timeoutMs + OVERRUN_SLACK_MS));
      }
    };

    states.forEach((s, i) => {
      s.worker.on("message", (m: WorkerToMain) => {
        if (m.type === "ready") {
          s.ready = true;
          if (cpuStart === null && !stopping && states.every((x) => x.ready)) begin();
        } else if (m.type === "tick") {
          aggregator.addSeconds(m.seconds);
          aggregator.addRunning(i, m.completed, m.errors);
        } else if (m.type === "done") {
          aggregator.addSeconds(m.seconds);
          aggregator.addDone(i, m);
          s.done = true;
          complete();
        } else {
          s.done = true;
          stopAll(`worker ${i} failed: ${m.message}`);
          complete();
        }
      });
      s.worker.on("error", (error) => {
        s.done = true;
        stopAll(`worker ${i} failed: ${error.message}`);
        complete();
      });
      s.worker.on("exit", (code) => {
        if (s.done) return;
        s.done = true;
        stopAll(`worker ${i} exited early (code ${code})`);
        complete();
      });
    });
    const readyTimer = setTimeout(() => {
      partialReason ??= `load workers did not start within ${READY_TIMEOUT_MS / 1000} s`;
      for (const s of states) s.done = true;
      complete();
    }, READY_TIMEOUT_MS);
    timers.push(readyTimer);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
