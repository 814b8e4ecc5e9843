/**
 * The Profile model: every collector and importer produces one, every analyzer and
 * renderer consumes one. Plain data, JSON round-trippable, compact enough for millions of
 * samples: frames are interned, stacks form a table of (frame, parent) nodes — each node is
 * one distinct call path — and samples point at a node.
 */
export type FrameKind = "js" | "native" | "kernel" | "gc" | "idle" | "program" | "other";

export interface Frame {
  name: string;
  file?: string;
  /** 1-based line, as shown to people. */
  line?: number;
  /** 1-based column. */
  column?: number;
  kind: FrameKind;
}

/** What a sample's weight counts. CPU profiles use microseconds of time. */
export type ProfileUnit = "microseconds" | "milliseconds" | "nanoseconds" | "seconds" | "samples" | "bytes" | "none";

export interface ProfileMeta {
  /** Display name: the file imported or the command profiled. */
  name?: string;
  /** What was profiled, e.g. "node app.js" or "pid 4242". */
  target?: string;
  command?: string[];
  pid?: number;
  /** Every process seen in the samples, when there was more than one (forks, system-wide). */
  pids?: number[];
  /** Every thread id seen, when the source names threads but not processes (perf script's default). */
  tids?: number[];
  /** ISO time the collection started. */
  startTime?: string;
  durationMs?: number;
  sampleRateHz?: number;
  /** "v8-inspector", "linux-perf", or "import:<format>". */
  collector?: string;
  /** Set when collection ended early (target exited, Ctrl-C, time-out): what happened. */
  partial?: { reason: string };
}

export interface Profile {
  version: 1;
  unit: ProfileUnit;
  frames: Frame[];
  /** Stack table: node i is `frames[stacks.frame[i]]` called from node `stacks.parent[i]` (-1: a root). */
  stacks: { frame: number[]; parent: number[] };
  /**
   * Samples in time order. `stack` is a node index or -1 for an empty stack; `time` is the
   * start of each sample in microseconds from the profile start, or null when the source
   * has no timing (folded stacks, aggregated imports).
   */
  samples: { stack: number[]; weight: number[]; time: number[] | null };
  meta: ProfileMeta;
}

export const PROFILE_VERSION = 1 as const;

/** Frame indices of a stack node, root first. */
export function stackFrames(profile: Profile, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n >= 0; n = profile.stacks.parent[n] ?? -1) out.push(profile.stacks.frame[n] ?? 0);
  return out.reverse();
}

export function totalWeight(profile: Profile): number {
  let sum = 0;
  for (const w of profile.samples.weight) sum += w;
  return sum;
}

/** Converts a weight in the profile's unit to milliseconds, or null if the unit is not time. */
export function weightToMs(unit: ProfileUnit, weight: number): number | null {
  switch (unit) {
    case "nanoseconds":
      return weight / 1e6;
    case "microseconds":
      return weight / 1000;
    case "milliseconds":
      return weight;
    case "seconds":
      return weight * 1000;
    default:
      return null;
  }
}

export function formatFrame(frame: Frame): string {
  if (!frame.file) return frame.name;
  const loc = frame.line !== undefined ? `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}` : "";
  return `${frame.name} (${frame.file}${loc})`;
}

/** One sample as the brief's first example iterates them: its function, stack and duration. */
export interface SampleView {
  /** The leaf function, where the time was spent. */
  function: string;
  file: string | null;
  line: number | null;
  /** Function names, root first. */
  stack: string[];
  /** Weight in milliseconds for time profiles, otherwise in the profile's unit. */
  duration: number;
  /** Start in milliseconds from the profile start, or null when the source had no timing. */
  time: number | null;
}

export function listSamples(profile: Profile): SampleView[] {
  const out: SampleView[] = [];
  const cache = new Map<number, { names: string[]; leaf: Frame | undefined }>();
  const { stack, weight, time } = profile.samples;
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i] ?? -1;
    let entry = cache.get(node);
    if (!entry) {
      const frames = node >= 0 ? stackFrames(profile, node).map((f) => profile.frames[f]!) : [];
      entry = { names: frames.map((f) => f.name), leaf: frames[frames.length - 1] };
      cache.set(node, entry);
    }
    const w = weight[i] ?? 0;
    const t = time?.[i];
    out.push({
      function: entry.leaf?.name ?? "(no stack)",
      file: entry.leaf?.file ?? null,
      line: entry.leaf?.line ?? null,
      stack: entry.names,
      duration: weightToMs(profile.unit, w) ?? w,
      time: t === undefined ? null : t / 1000,
    });
  }
  return out;
}
