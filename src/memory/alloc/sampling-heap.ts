import { PerfError } from "../../core/errors.js";
import { formatBytes, formatDuration, ms } from "../../core/units.js";
import type { CdpClient } from "../../profile/collect/cdp-client.js";
import { validateDuration, waitForStop, type TimedStop } from "../../profile/collect/collect-options.js";
import { ProgressReporter } from "../../profile/collect/progress.js";
import type { ProgressCallback } from "../../profile/collect/types.js";

/**
 * V8's sampling heap profiler over CDP (HeapProfiler.startSampling / stopSampling): one
 * allocation in roughly every `samplingInterval` bytes is recorded with its JS stack, and V8
 * scales the samples into estimated bytes per call path. Cheap enough for production.
 */

/** A CDP call frame as the sampling heap profile gives it; lines and columns are 0-based. */
export interface SamplingHeapCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface SamplingHeapNode {
  callFrame: SamplingHeapCallFrame;
  /** Estimated bytes allocated by this call path itself (already scaled by V8). */
  selfSize: number;
  id: number;
  children: SamplingHeapNode[];
}

/** The `.heapprofile` format of Chrome DevTools: exactly what HeapProfiler.stopSampling returns. */
export interface SamplingHeapProfile {
  head: SamplingHeapNode;
  /** Each sampled allocation (unscaled size); `ordinal` orders them in time. */
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/**
 * Which allocations the profile keeps:
 * - "allocated": every sampled allocation, including objects the GC has freed since — where
 *   memory churns (GC pressure, hot allocation paths).
 * - "retained": only objects still alive when sampling stops (V8's default) — where memory
 *   stays (leaks, caches, growth).
 */
export type AllocationView = "allocated" | "retained";

export const DEFAULT_SAMPLING_INTERVAL_BYTES = 32 * 1024;

export interface AllocationSamplingOptions {
  /** Mean bytes between samples (default 32768): smaller sees more, costs more. */
  samplingInterval?: number;
  /** Keep samples of objects freed by a major (mark-compact) GC: the "allocated" view. */
  includeObjectsCollectedByMajorGC?: boolean;
  /** Keep samples of objects freed by a minor (scavenge) GC: the "allocated" view. */
  includeObjectsCollectedByMinorGC?: boolean;
}

export interface CollectAllocationOptions extends AllocationSamplingOptions {
  durationMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Called once sampling runs, e.g. to let a target paused at its first line go on. */
  onSamplingStarted?: () => Promise<void>;
  /** Other reasons to stop early (the target program finished): each resolves to a reason. */
  stopWhen?: Array<Promise<string>>;
  /** Used in progress messages and errors, e.g. "pid 4242". */
  targetLabel?: string;
}

/** How sampling ended, with timing, for the run's meta and `partial` note. */
export interface AllocationRun {
  profile: SamplingHeapProfile;
  startTime: string;
  sampledMs: number;
  end: { kind: "duration" } | { kind: "aborted"; reason: string } | { kind: "event"; reason: string };
  samplingInterval: number;
}

/** The CDP sampling flags that give a view. */
export function samplingFlagsForView(view: AllocationView): Required<Pick<AllocationSamplingOptions, "includeObjectsCollectedByMajorGC" | "includeObjectsCollectedByMinorGC">> {
  const include = view === "allocated";
  return { includeObjectsCollectedByMajorGC: include, includeObjectsCollectedByMinorGC: include };
}

export function resolveSamplingInterval(interval: number | undefined): number {
  const bytes = interval ?? DEFAULT_SAMPLING_INTERVAL_BYTES;
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1 << 30) {
    throw new PerfError("USAGE", `the sampling interval must be a whole number of bytes between 1 and 1 GiB, got ${String(interval)}`, {
      hint: `omit it for the default of ${DEFAULT_SAMPLING_INTERVAL_BYTES} bytes; smaller intervals see smaller allocations at more cost`,
    });
  }
  return bytes;
}

/** Enables the HeapProfiler domain and starts sampling with the given flags. */
export async function startAllocationSampling(cdp: CdpClient, options: AllocationSamplingOptions = {}): Promise<number> {
  const samplingInterval = resolveSamplingInterval(options.samplingInterval);
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.startSampling", {
    samplingInterval,
    includeObjectsCollectedByMajorGC: options.includeObjectsCollectedByMajorGC ?? false,
    includeObjectsCollectedByMinorGC: options.includeObjectsCollectedByMinorGC ?? false,
  });
  return samplingInterval;
}

/** Stops sampling and returns the profile V8 built. */
export async function stopAllocationSampling(cdp: CdpClient, timeoutMs = 30_000): Promise<SamplingHeapProfile> {
  // Without the include-collected flags V8 runs a full GC itself before building the profile
  // (seen with --trace-gc: "Mark-Compact ... sampling profiler"), so garbage that was still
  // in the old generation does not count as retained. No GC of ours is needed.
  const result = await cdp.send("HeapProfiler.stopSampling", {}, timeoutMs);
  const profile = result.profile as Partial<SamplingHeapProfile> | undefined;
  if (!profile || typeof profile !== "object" || !profile.head || typeof profile.head !== "object") {
    throw new PerfError("INTERNAL", "the inspector answered HeapProfiler.stopSampling without a profile", {
      where: { url: cdp.url },
      hint: "this Node version may lack the sampling heap profiler (Node >= 12 has it); take a heap snapshot instead",
    });
  }
  await cdp.send("HeapProfiler.disable").catch(() => undefined);
  return profile as SamplingHeapProfile;
}

/**
 * Samples allocations for `durationMs` (or until `signal` aborts, or a `stopWhen` event),
 * then stops and returns V8's profile with how the run ended. The profile lives inside the
 * target until stopSampling: a target that dies before that takes it along (TARGET_EXITED).
 */
export async function runAllocationSampling(cdp: CdpClient, options: CollectAllocationOptions): Promise<AllocationRun> {
  validateDuration(options.durationMs);
  if (options.durationMs === undefined && !options.signal && !options.stopWhen?.length) {
    throw new PerfError("USAGE", "allocation sampling needs durationMs (or an abort signal) to know when to stop", { hint: "e.g. durationMs: 10000" });
  }
  const label = options.targetLabel ?? cdp.url;
  const progress = new ProgressReporter(options.onProgress);
  const samplingInterval = await startAllocationSampling(cdp, options);
  const startTime = new Date().toISOString();
  const t0 = Date.now();
  await options.onSamplingStarted?.();
  progress.startTicking(() => ({ message: `sampling allocations of ${label} every ~${formatBytes(samplingInterval)}` }));
  let stop: { kind: "event"; reason: string } | { kind: "lost" } | TimedStop;
  try {
    stop = await waitForStop<{ kind: "event"; reason: string } | { kind: "lost" }>(
      [...(options.stopWhen ?? []).map((p) => p.then((reason) => ({ kind: "event" as const, reason }))), cdp.closed.then(() => ({ kind: "lost" as const }))],
      options.durationMs,
      options.signal,
    );
  } finally {
    progress.stopTicking();
  }
  const sampledMs = Date.now() - t0;
  if (stop.kind === "lost") {
    throw new PerfError("TARGET_EXITED", `${label} closed its inspector connection after ${formatDuration(ms(sampledMs))} of allocation sampling; the samples were kept inside it and are lost`, {
      hint: "the process probably exited or crashed; to keep data from a process that ends early, give a shorter duration",
    });
  }
  progress.report("stopping", "stopping the sampling heap profiler");
  const profile = await stopAllocationSampling(cdp);
  return { profile, startTime, sampledMs, end: stop, samplingInterval };
}

/** Samples allocations through an open inspector session and returns the raw V8 profile. */
export async function collectAllocationProfile(cdp: CdpClient, options: CollectAllocationOptions): Promise<SamplingHeapProfile> {
  return (await runAllocationSampling(cdp, options)).profile;
}
