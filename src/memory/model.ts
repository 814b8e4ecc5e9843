/**
 * The memory model: plain JSON data shared by the collectors (/proc, the V8 inspector),
 * the leak analysis, heap snapshot analysis and the reporters. Sizes are bytes, times are
 * milliseconds since the Unix epoch unless a field says otherwise.
 */

export const MEMORY_MODEL_VERSION = 1;

/** What /proc says about any Linux process. PSS/USS need smaps_rollup (null when unreadable). */
export interface ProcMemory {
  rss: number;
  /** Proportional set size: shared pages divided among the processes sharing them. */
  pss: number | null;
  /** Unique set size: private clean + private dirty pages. */
  uss: number | null;
  swap: number | null;
  /** Peak RSS (VmHWM). */
  rssPeak: number | null;
  virtual: number | null;
}

export interface V8HeapSpace {
  name: string;
  size: number;
  used: number;
  available: number;
  physical: number;
}

/** The V8 side of a Node process, read through the inspector (or in-process). */
export interface V8Memory {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  heapLimit: number;
  spaces: V8HeapSpace[];
}

/** Garbage collections seen since the collector started watching. */
export interface GcActivity {
  count: number;
  /** Total pause time, ms. */
  pauseMs: number;
  byKind: Record<string, { count: number; pauseMs: number }>;
  /** When the last major (mark-sweep-compact) GC ended, ms since epoch; null when none seen. */
  lastMajorAt: number | null;
  /** V8 heap used right after the last major GC (read in the target's GC observer); null when none seen. */
  lastMajorHeapUsed?: number | null;
  /** When counting started (the observer was installed in the target), ms since epoch. */
  since?: number;
}

export interface MemoryStats {
  version: typeof MEMORY_MODEL_VERSION;
  pid: number;
  at: number;
  command: string | null;
  proc: ProcMemory;
  /** Present for Node processes reached through the inspector; otherwise null with the reason. */
  v8: V8Memory | null;
  gc: GcActivity | null;
  /** Why v8/gc are null, e.g. "not a Node.js process (/usr/bin/python3): only /proc figures". */
  notes: string[];
}

/** One point of a watched series. `afterGc` marks a sample taken right after a major GC. */
export interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number | null;
  heapTotal: number | null;
  external: number | null;
  afterGc: boolean;
  /**
   * With afterGc: the V8 heap used right after that major GC (the target's GC observer reads
   * it within a millisecond or so), free of the garbage allocated since. Null otherwise.
   */
  heapAfterGc?: number | null;
  /** Requests completed by an applied load so far (for growth per request). */
  requests: number | null;
}

export interface MemorySeries {
  version: typeof MEMORY_MODEL_VERSION;
  pid: number;
  command: string | null;
  startedAt: number;
  endedAt: number;
  intervalMs: number;
  samples: MemorySample[];
  /** Set when the process exited during the watch: when, and how. */
  ended: { at: number; reason: string } | null;
  /** The load applied while watching, when any (summary only). */
  load: { target: string; requests: number; throughput: number } | null;
  notes: string[];
}

export type LeakVerdictState = "leak" | "no-leak" | "not-enough-data";

export interface LeakVerdict {
  state: LeakVerdictState;
  /** Which series the verdict rests on, e.g. "heapUsed after major GC" or "RSS lows per window". */
  basis: string;
  points: number;
  durationMs: number;
  /** Theil–Sen slope, bytes per minute, with its 95% confidence interval. */
  slopePerMinute: number;
  slopeCi: { low: number; high: number };
  /** Growth per request when load was applied, bytes. */
  perRequest: number | null;
  /** Mann–Kendall trend test. */
  mannKendall: { s: number; z: number; pValue: number; tau: number };
  /** Why this verdict, in words, with the thresholds used. */
  reason: string;
  /**
   * The same trend on the later half of the lows (from `fromAt`): a warming cache grows and
   * then flattens, a leak keeps its slope. Null when too few lows to judge.
   */
  recent?: { fromAt: number; points: number; slopePerMinute: number; slopeCi: { low: number; high: number }; pValue: number } | null;
}
