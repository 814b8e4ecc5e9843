import { PerfError } from "../../core/errors.js";
import { formatDuration, ms, parseDuration } from "../../core/units.js";
import type { LoadOptions } from "../../load/model.js";
import { withTimeout } from "../../profile/collect/child-process.js";
import { waitForStop } from "../../profile/collect/collect-options.js";
import { resolveProfileTarget } from "../../profile/target.js";
import { MEMORY_MODEL_VERSION, type MemorySample, type MemorySeries } from "../model.js";
import { resolveProcess } from "./find-process.js";
import { readProcMemory } from "./proc-memory.js";
import { planLoadTest } from "../../load/engine/plan.js";
import { startWatchLoad, type WatchLoad } from "./watch-load.js";
import { attachWatchTarget, startWatchTarget, type WatchEnd, type WatchHandle } from "./watch-target.js";

/** A command to start ("node app.js" or an argv), or a running process (pid, { pid }, { process: name }). */
export type WatchMemoryTarget = string | string[] | number | { pid: number } | { process: string } | { command: string | string[] };

export interface WatchMemoryProgress {
  elapsedMs: number;
  samples: number;
  last: MemorySample;
}

export interface WatchMemoryOptions {
  target: WatchMemoryTarget;
  /** How long to watch: seconds, or "30s", "5m". */
  duration: number | string;
  /** Time between samples: seconds or "500ms"; default 1 s. */
  interval?: number | string;
  /** A load test to run against the target while watching (a loopback URL); requests per sample are recorded. */
  load?: LoadOptions;
  /** A started command's stdout/stderr: dropped (default) or passed through to ours. */
  stdio?: "inherit" | "ignore";
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Abort (Ctrl-C): stop sampling and return the series so far. */
  signal?: AbortSignal;
  onProgress?: (progress: WatchMemoryProgress) => void;
}

const MIN_INTERVAL_MS = 50;
const READ_TIMEOUT_MS = 5000;

function parseTime(value: number | string, what: string, example: string): number {
  const parsed = parseDuration(value);
  if (parsed === null || (parsed as number) <= 0) {
    throw new PerfError("USAGE", `${what} must be a positive duration, got ${JSON.stringify(value)}`, { hint: `use seconds (${example}) or a string like "${example}s" or "500ms"` });
  }
  return parsed as number;
}

async function openTarget(options: WatchMemoryOptions): Promise<WatchHandle> {
  const raw = options.target;
  if (raw && typeof raw === "object" && !Array.isArray(raw) && "process" in raw) return attachWatchTarget(resolveProcess(raw.process).pid, options.signal);
  const target = resolveProfileTarget(raw);
  if ("pid" in target) return attachWatchTarget(target.pid, options.signal);
  const stdio = options.stdio ?? "ignore";
  return startWatchTarget(target.command, { stdio, signal: options.signal, ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.env ? { env: options.env } : {}) });
}

/**
 * Samples a process's memory at a fixed interval for `duration`: RSS from /proc always, and
 * for Node the V8 heap (used, total, external) with the samples taken after a major GC
 * marked `afterGc` (what leak analysis keys on). GC is never forced: that would change what
 * is measured. A target that exits mid-watch keeps its series, with `ended` saying when and
 * how; an abort returns the samples so far. A command started here is stopped at the end.
 */
export async function watchMemory(options: WatchMemoryOptions): Promise<MemorySeries> {
  const durationMs = parseTime(options.duration, "duration", "60");
  const intervalMs = parseTime(options.interval ?? 1, "interval", "1");
  if (intervalMs < MIN_INTERVAL_MS) throw new PerfError("USAGE", `interval must be at least ${MIN_INTERVAL_MS} ms, got ${intervalMs} ms`, { hint: "sampling faster mostly measures the sampler; 1s is the default" });
  if (options.signal?.aborted) throw new PerfError("INTERRUPTED", "interrupted before the watch started");
  // Check the load's target (loopback unless allowRemote) before anything starts or connects.
  if (options.load) planLoadTest({ ...options.load, ...(options.load.duration === undefined && options.load.maxRequests === undefined && options.load.stages === undefined ? { duration: durationMs / 1000 } : {}) });
  const handle = await openTarget(options);
  const notes = [...handle.notes];
  let load: WatchLoad | null = null;
  try {
    let ended: WatchEnd | null = null;
    void handle.ended.then((end) => (ended = end));
    const startedAt = Date.now();
    await handle.run();
    const endAt = startedAt + durationMs;
    if (options.load) load = startWatchLoad(options.load, endAt, options.signal);
    const sampler = new Sampler(handle, load, handle.started ? 0 : startedAt, notes);
    const samples: MemorySample[] = [];
    let aborted: string | null = null;
    for (let k = 1; ; k++) {
      const sample = ended ? null : await sampler.take();
      if (sample) {
        samples.push(sample);
        reportProgress(options, { elapsedMs: sample.at - startedAt, samples: samples.length, last: sample });
      }
      if (ended || Date.now() >= endAt) break;
      // Slots missed by a slow reading are skipped rather than taken back to back.
      k = Math.max(k, Math.ceil((Date.now() - startedAt) / intervalMs));
      const next = startedAt + k * intervalMs;
      if (next > endAt) break;
      const stop = await waitForStop<{ kind: "ended" }>([handle.ended.then(() => ({ kind: "ended" as const })), ...(load ? [load.failed] : [])], Math.max(0, next - Date.now()), options.signal);
      if (stop.kind === "aborted") {
        aborted = stop.reason;
        break;
      }
      if (stop.kind === "ended") ended ??= await handle.ended;
    }
    const endedAt = Date.now();
    if (aborted) notes.push(`${aborted} after ${formatDuration(ms(endedAt - startedAt))}: the series is partial`);
    let loadSummary: MemorySeries["load"] = null;
    if (load) {
      const finished = await load.finish();
      load = null;
      loadSummary = finished.summary;
      notes.push(...finished.notes);
    }
    return { version: MEMORY_MODEL_VERSION, pid: handle.pid, command: handle.command, startedAt, endedAt, intervalMs, samples, ended, load: loadSummary, notes };
  } finally {
    if (load) await load.finish().catch(() => undefined);
    notes.push(...(await handle.leave()));
  }
}

function reportProgress(options: WatchMemoryOptions, progress: WatchMemoryProgress): void {
  try {
    options.onProgress?.(progress);
  } catch {
    // A failing progress display must not end the watch.
  }
}

/** Takes samples; remembers the last major GC seen so that only samples after a new one are marked. */
class Sampler {
  private v8Lost = false;
  private lastMajorSeen: number;

  constructor(
    private readonly handle: WatchHandle,
    private readonly load: WatchLoad | null,
    gcBaseline: number,
    private readonly watchNotes: string[],
  ) {
    this.lastMajorSeen = gcBaseline;
  }

  /** One sample, or null when the target is gone. */
  async take(): Promise<MemorySample | null> {
    const { pid, session } = this.handle;
    let rss: number;
    try {
      rss = readProcMemory(pid).rss;
    } catch (error) {
      if (error instanceof PerfError && error.code === "TARGET_NOT_FOUND") return null;
      throw error;
    }
    const at = Date.now();
    const sample: MemorySample = { at, rss, heapUsed: null, heapTotal: null, external: null, afterGc: false, heapAfterGc: null, requests: this.load ? this.load.completed() : null };
    if (!session || this.v8Lost) return sample;
    try {
      const { v8, gc } = await session.read(READ_TIMEOUT_MS);
      sample.heapUsed = v8.heapUsed;
      sample.heapTotal = v8.heapTotal;
      sample.external = v8.external;
      if (gc?.lastMajorAt != null && gc.lastMajorAt > this.lastMajorSeen) {
        this.lastMajorSeen = gc.lastMajorAt;
        sample.afterGc = true;
        sample.heapAfterGc = gc.lastMajorHeapUsed ?? null;
      }
    } catch (error) {
      // A program that finished closes the connection on its way out; that is its end, not a loss.
      if (await withTimeout(this.handle.ended, 3000, null)) return sample;
      this.v8Lost = true;
      this.watchNotes.push(`the inspector connection to pid ${pid} was lost at ${new Date(at).toISOString()} (${(error as Error).message}); later samples have RSS only`);
    }
    return sample;
  }
}
