import type { Profile } from "../model.js";

/** Progress of a live collection, emitted at least once a second while profiling. */
export interface CollectProgress {
  phase: "starting" | "profiling" | "stopping" | "converting";
  elapsedMs: number;
  /** Samples so far, when the collector can know them. */
  samples?: number;
  message?: string;
}

/**
 * What happens to the target's stdout/stderr: `inherit` forwards it to ours (minus the
 * profiler's own chatter), `pipe` captures it into `CollectResult.output`, `ignore` drops it.
 */
export type CollectStdio = "inherit" | "pipe" | "ignore";

export interface CollectResult {
  profile: Profile;
  /** The target's exit code; null when it is still running (attach) or we terminated it. */
  exitCode: number | null;
  /** Set when collection ended early (target exited, interrupted): what happened. */
  partial: { reason: string } | null;
  /** Raw files written (perf.data, .cpuprofile), kept for offline re-analysis. */
  rawFiles: string[];
  /** The target's output, only with `stdio: "pipe"` (each stream capped, the cap said). */
  output?: { stdout: string; stderr: string };
  /** Things the caller should know that did not stop the collection. */
  notes?: string[];
}

export type ProgressCallback = (event: CollectProgress) => void;

/** Options every collector shares. */
export interface CommonCollectOptions {
  /** Samples per second; defaults to DEFAULT_SAMPLE_RATE_HZ. */
  sampleRateHz?: number;
  /** Stop after this long; without it a started program is profiled until it exits. */
  durationMs?: number;
  /** Abort (Ctrl-C): stop profiling, keep what was collected, mark the result partial. */
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}
