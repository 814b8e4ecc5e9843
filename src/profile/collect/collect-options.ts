import { PerfError } from "../../core/errors.js";
import { delay } from "./child-process.js";

/**
 * Default sampling rate, chosen by measurement on a CPU-bound Node workload (budget: run time
 * profiled/unprofiled <= 1.05x). bench/profiler-overhead.mjs (separate processes through
 * collectNodeCpuProfile, 21 alternating pairs) gave median 1.005x workload time, 1.041x CPU,
 * 0.998x wall at 1000 Hz, with a wide spread on this shared 2-core VM; the low-noise
 * in-process companion gave 1.015x at 1000 Hz and 1.040x at 2000 Hz. 1000 Hz fits the budget
 * with 1 ms resolution. Results: bench/results/profiler-overhead*.json.
 */
export const DEFAULT_SAMPLE_RATE_HZ = 1000;

/** Progress is reported at this period so a CLI can redraw at least once a second. */
export const PROGRESS_INTERVAL_MS = 500;

export function resolveSampleRate(rate: number | undefined): number {
  const hz = rate ?? DEFAULT_SAMPLE_RATE_HZ;
  if (!Number.isFinite(hz) || hz <= 0 || hz > 100_000) {
    throw new PerfError("USAGE", `sample rate must be between 1 and 100000 Hz, got ${String(rate)}`, {
      hint: `omit it to use the default of ${DEFAULT_SAMPLE_RATE_HZ} Hz`,
    });
  }
  return hz;
}

export function validateDuration(durationMs: number | undefined): void {
  if (durationMs === undefined) return;
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new PerfError("USAGE", `duration must be a positive number of milliseconds, got ${String(durationMs)}`, {
      hint: "e.g. durationMs: 10000 for 10 s",
    });
  }
}

export type TimedStop = { kind: "duration" } | { kind: "aborted"; reason: string };

/** Says why an AbortSignal fired, in words for `partial.reason`. */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === "string" && reason) return `interrupted: ${reason}`;
  if (reason instanceof Error && reason.name !== "AbortError" && reason.message) return `interrupted: ${reason.message}`;
  return "interrupted";
}

/**
 * Waits for the first of: one of `events` (target ended, connection lost...), `durationMs`
 * elapsed, or `signal` aborted. Cleans up its timer and abort listener whatever wins.
 */
export async function waitForStop<T>(events: Array<Promise<T>>, durationMs: number | undefined, signal: AbortSignal | undefined): Promise<T | TimedStop> {
  const done = new AbortController();
  const candidates: Array<Promise<T | TimedStop>> = [...events];
  if (durationMs !== undefined) candidates.push(delay(durationMs, done.signal).then(() => ({ kind: "duration" as const })));
  if (signal) {
    candidates.push(
      new Promise<TimedStop>((resolve) => {
        const onAbort = (): void => resolve({ kind: "aborted", reason: abortReason(signal) });
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        done.signal.addEventListener("abort", () => signal.removeEventListener("abort", onAbort), { once: true });
      }),
    );
  }
  try {
    return await Promise.race(candidates);
  } finally {
    done.abort();
  }
}
