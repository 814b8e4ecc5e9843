import { ProfileBuilder, type FrameInput } from "../builder.js";
import type { Profile, ProfileUnit } from "../model.js";
import type { PerfSampleHeader } from "./perf-script-header.js";

/**
 * How perf samples are weighted:
 * - "time" (default): each sample stands for the time around it on its own thread — from
 *   halfway since the thread's previous sample to halfway to its next — in microseconds.
 *   Irregular sampling (a thread that slept, a CPU that went idle) is then weighted by the
 *   wall time it covers; speedscope weights perf samples the same way.
 * - "samples": every sample counts 1 (what FlameGraph's stackcollapse-perf does).
 * - "period": the event period perf recorded (nanoseconds for clock events).
 */
export type PerfWeighting = "time" | "samples" | "period";

export interface PerfAssembleOptions {
  fileName?: string;
  aggregate?: boolean;
  weighting?: PerfWeighting;
}

interface ThreadState {
  count: number;
  node: number;
  slot: number;
  time: number;
  start: number;
  period: number | undefined;
}

function isClockEvent(event: string): boolean {
  return event.startsWith("cpu-clock") || event.startsWith("task-clock");
}

/** The key samples are grouped by for time weighting: speedscope's per-thread profile name. */
export function perfThreadName(h: PerfSampleHeader): string {
  let name = h.comm;
  if (h.pid) name += ` pid: ${h.pid}`;
  if (h.tid) name += ` tid: ${h.tid}`;
  return name;
}

/**
 * Turns parsed samples into one Profile: maps the reader's frame ids into a ProfileBuilder,
 * weights samples, and keeps only the first event type seen (weights of different events,
 * e.g. cycles and page faults, cannot be added up).
 */
export class PerfProfileAssembler {
  private readonly builder: ProfileBuilder;
  private readonly frameMap: number[] = [];
  // (parent node, reader frame id) → builder node, open addressing over typed arrays: the
  // builder's Map per node costs more than the rest of assembling a sample.
  private nodeSlots = new Int32Array(1 << 12);
  private nodeKeys = new Int32Array(2 << 12);
  private nodeCount = 0;
  private readonly threads = new Map<string, ThreadState>();
  private readonly stacks: number[] = [];
  private readonly weights: number[] = [];
  private readonly times: number[] = [];
  private readonly aggregate: boolean;
  private weighting: PerfWeighting;
  private event: string | undefined;
  private firstTime: number | undefined;
  private lastTime: number | undefined;
  private hasAllTimes = true;
  private pids = new Set<number>();
  private tids = new Set<number>();
  skippedOtherEvents = 0;

  constructor(
    private readonly frames: readonly FrameInput[],
    options: PerfAssembleOptions = {},
  ) {
    this.aggregate = options.aggregate ?? false;
    this.weighting = options.weighting ?? "time";
    this.builder = new ProfileBuilder("microseconds", { name: options.fileName, collector: "import:perf-script" }, { aggregate: this.aggregate });
  }

  add(header: PerfSampleHeader, stack: readonly number[], depth: number): void {
    if (this.event === undefined) {
      this.event = header.event;
      if (this.weighting === "time" && header.time === undefined) this.weighting = "samples";
    } else if (header.event !== this.event) {
      this.skippedOtherEvents++;
      return;
    }
    if (header.pid !== undefined) this.pids.add(header.pid);
    else if (header.tid !== undefined) this.tids.add(header.tid);
    let node = -1;
    for (let i = depth - 1; i >= 0; i--) node = this.childNode(node, stack[i]!);
    const t = header.time;
    if (t === undefined) this.hasAllTimes = false;
    else {
      this.firstTime ??= t;
      this.lastTime = t;
    }
    if (this.weighting === "samples") this.emitNow(node, 1, t);
    else if (this.weighting === "period") this.emitNow(node, header.period ?? 1, t);
    else this.addTimed(header, node, t);
  }

  private childNode(parent: number, rid: number): number {
    let mask = this.nodeSlots.length - 1;
    let slot = (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(rid, 0x85ebca77)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    for (let e = this.nodeSlots[slot]!; e !== 0; e = this.nodeSlots[slot]!) {
      if (this.nodeKeys[2 * slot] === parent && this.nodeKeys[2 * slot + 1] === rid) return e - 1;
      slot = (slot + 1) & mask;
    }
    let fid = this.frameMap[rid];
    if (fid === undefined) fid = this.frameMap[rid] = this.builder.internFrame(this.frames[rid]!);
    const node = this.builder.childNode(parent, fid);
    if (++this.nodeCount * 2 > mask) {
      this.growNodeTable();
      mask = this.nodeSlots.length - 1;
      slot = this.findFreeSlot(parent, rid);
    }
    this.nodeSlots[slot] = node + 1;
    this.nodeKeys[2 * slot] = parent;
    this.nodeKeys[2 * slot + 1] = rid;
    return node;
  }

  private findFreeSlot(parent: number, rid: number): number {
    const mask = this.nodeSlots.length - 1;
    let slot = (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(rid, 0x85ebca77)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    while (this.nodeSlots[slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private growNodeTable(): void {
    const oldSlots = this.nodeSlots;
    const oldKeys = this.nodeKeys;
    this.nodeSlots = new Int32Array(oldSlots.length * 2);
    this.nodeKeys = new Int32Array(oldKeys.length * 2);
    for (let s = 0; s < oldSlots.length; s++) {
      if (oldSlots[s] === 0) continue;
      const slot = this.findFreeSlot(oldKeys[2 * s]!, oldKeys[2 * s + 1]!);
      this.nodeSlots[slot] = oldSlots[s]!;
      this.nodeKeys[2 * slot] = oldKeys[2 * s]!;
      this.nodeKeys[2 * slot + 1] = oldKeys[2 * s + 1]!;
    }
  }

  private emitNow(node: number, weight: number, t: number | undefined): void {
    if (this.aggregate) this.builder.addSample(node, weight);
    else {
      this.stacks.push(node);
      this.weights.push(weight);
      this.times.push(t === undefined || this.firstTime === undefined ? 0 : t - this.firstTime);
    }
  }

  private addTimed(header: PerfSampleHeader, node: number, t: number | undefined): void {
    const key = perfThreadName(header);
    let st = this.threads.get(key);
    if (!st) {
      st = { count: 0, node: -1, slot: -1, time: 0, start: 0, period: header.period };
      this.threads.set(key, st);
    }
    const time = t ?? st.time;
    let start = time;
    if (st.count > 0) {
      // Out-of-order timestamps (unsorted `perf script`) would give negative weights: clamp.
      start = time >= st.time ? (st.time + time) / 2 : st.time;
      this.settle(st, start - st.start);
    }
    st.count++;
    st.node = node;
    st.time = time;
    st.start = start;
    if (!this.aggregate) {
      st.slot = this.stacks.length;
      this.stacks.push(node);
      this.weights.push(0);
      this.times.push(this.firstTime === undefined ? 0 : start - this.firstTime);
    }
  }

  private settle(st: ThreadState, weight: number): void {
    if (this.aggregate) this.builder.addSample(st.node, weight);
    else this.weights[st.slot] = weight;
  }

  /** A thread with one sample has no neighbour to measure against: use its clock period. */
  private loneWeight(st: ThreadState): number {
    if (st.period !== undefined && this.event !== undefined && isClockEvent(this.event)) return st.period / 1000;
    return 1;
  }

  build(): Profile {
    for (const st of this.threads.values()) {
      if (st.count === 1) this.settle(st, this.loneWeight(st));
      else if (st.count > 1) this.settle(st, st.time - st.start);
    }
    this.threads.clear();
    const meta: Profile["meta"] = {};
    if (this.firstTime !== undefined && this.lastTime !== undefined) meta.durationMs = (this.lastTime - this.firstTime) / 1000;
    if (this.pids.size === 1) meta.pid = [...this.pids][0]!;
    else if (this.pids.size > 1) meta.pids = [...this.pids];
    if (this.tids.size > 0) meta.tids = [...this.tids];
    this.builder.setMeta(meta);
    const profile = this.builder.build();
    profile.unit = this.unit();
    if (!this.aggregate) {
      profile.samples = { stack: this.stacks, weight: this.weights, time: this.hasAllTimes && this.firstTime !== undefined ? this.times : null };
    }
    return profile;
  }

  private unit(): ProfileUnit {
    if (this.weighting === "samples") return "samples";
    if (this.weighting === "period") return this.event !== undefined && isClockEvent(this.event) ? "nanoseconds" : "none";
    return "microseconds";
  }
}
