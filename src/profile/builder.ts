import { PROFILE_VERSION, type Frame, type FrameKind, type Profile, type ProfileMeta, type ProfileUnit } from "./model.js";

/** A frame as importers and collectors describe it before interning. */
export type FrameInput = Omit<Frame, "kind"> & { kind?: FrameKind };

export interface BuilderOptions {
  /**
   * Aggregate weights per call path instead of keeping every sample: memory then grows with
   * the number of distinct stacks, not with the input (for streaming huge `perf script` files).
   */
  aggregate?: boolean;
}

function frameKey(f: FrameInput): string {
  return `${f.name}\u0000${f.file ?? ""}\u0000${f.line ?? ""}\u0000${f.column ?? ""}`;
}

/** Guesses a frame's kind from its name and file when the source does not say. */
export function classifyFrameKind(name: string, file?: string): FrameKind {
  switch (name) {
    case "(idle)":
      return "idle";
    case "(garbage collector)":
    case "(GC)":
      return "gc";
    case "(program)":
      return "program";
  }
  if (file && (file.includes("kernel.kallsyms") || file.startsWith("[kernel"))) return "kernel";
  if (file && /^(file:|https?:|node:|webpack:)/.test(file)) return "js";
  if (file && /\.(m?[jt]sx?|cjs|mts|cts)$/.test(file)) return "js";
  return "other";
}

/**
 * Builds a Profile from samples: interns frames and call paths, keeps samples in order
 * (or aggregates them per path), and emits plain data.
 */
export class ProfileBuilder {
  private readonly frames: Frame[] = [];
  private readonly frameIndex = new Map<string, number>();
  private readonly nodeFrame: number[] = [];
  private readonly nodeParent: number[] = [];
  // Children of each node keyed by frame: a node has few children, so a Map per node stays small.
  private readonly rootChildren = new Map<number, number>();
  private readonly nodeChildren: Array<Map<number, number> | undefined> = [];
  private readonly sampleStack: number[] = [];
  private readonly sampleWeight: number[] = [];
  private readonly sampleTime: number[] = [];
  private hasTime = true;
  private readonly aggregate: boolean;
  private readonly aggregateWeight: number[] = [];
  private emptyStackWeight = 0;

  constructor(
    private readonly unit: ProfileUnit,
    private meta: ProfileMeta = {},
    options: BuilderOptions = {},
  ) {
    this.aggregate = options.aggregate ?? false;
  }

  internFrame(frame: FrameInput): number {
    const key = frameKey(frame);
    let index = this.frameIndex.get(key);
    if (index === undefined) {
      index = this.frames.length;
      const f: Frame = { name: frame.name, kind: frame.kind ?? classifyFrameKind(frame.name, frame.file) };
      if (frame.file !== undefined && frame.file !== "") f.file = frame.file;
      if (frame.line !== undefined) f.line = frame.line;
      if (frame.column !== undefined) f.column = frame.column;
      this.frames.push(f);
      this.frameIndex.set(key, index);
    }
    return index;
  }

  /** The node for `frame` called from `parent` (-1 for a root), created on first use. */
  childNode(parent: number, frame: number): number {
    const children = parent < 0 ? this.rootChildren : (this.nodeChildren[parent] ??= new Map());
    let node = children.get(frame);
    if (node === undefined) {
      node = this.nodeFrame.length;
      this.nodeFrame.push(frame);
      this.nodeParent.push(parent);
      children.set(frame, node);
    }
    return node;
  }

  /** The node for a stack of interned frame indices, root first; -1 for an empty stack. */
  nodeForFrames(frames: readonly number[]): number {
    let node = -1;
    for (const f of frames) node = this.childNode(node, f);
    return node;
  }

  addSample(node: number, weight: number, time?: number): void {
    if (this.aggregate) {
      if (node < 0) this.emptyStackWeight += weight;
      else this.aggregateWeight[node] = (this.aggregateWeight[node] ?? 0) + weight;
      return;
    }
    this.sampleStack.push(node);
    this.sampleWeight.push(weight);
    if (time === undefined) this.hasTime = false;
    else this.sampleTime.push(time);
  }

  /** Convenience: a sample given as frames, root first. */
  addStack(frames: readonly FrameInput[], weight: number, time?: number): void {
    let node = -1;
    for (const f of frames) node = this.childNode(node, this.internFrame(f));
    this.addSample(node, weight, time);
  }

  setMeta(meta: ProfileMeta): void {
    this.meta = { ...this.meta, ...meta };
  }

  get sampleCount(): number {
    return this.aggregate ? this.aggregateWeight.length : this.sampleStack.length;
  }

  build(): Profile {
    let samples: Profile["samples"];
    if (this.aggregate) {
      const stack: number[] = [];
      const weight: number[] = [];
      if (this.emptyStackWeight > 0) {
        stack.push(-1);
        weight.push(this.emptyStackWeight);
      }
      this.aggregateWeight.forEach((w, node) => {
        if (w) {
          stack.push(node);
          weight.push(w);
        }
      });
      samples = { stack, weight, time: null };
    } else {
      samples = {
        stack: this.sampleStack,
        weight: this.sampleWeight,
        time: this.hasTime && this.sampleTime.length === this.sampleStack.length ? this.sampleTime : null,
      };
    }
    return {
      version: PROFILE_VERSION,
      unit: this.unit,
      frames: this.frames,
      stacks: { frame: this.nodeFrame, parent: this.nodeParent },
      samples,
      meta: this.meta,
    };
  }
}

/** A call tree as some formats give it: a frame, the weight spent in it, and its callees. */
export interface CallTreeInput {
  frame: FrameInput;
  self: number;
  children?: CallTreeInput[];
}

/** Builds a Profile from an aggregated call tree: one sample per tree node with self weight. */
export function buildProfileFromCallTree(roots: readonly CallTreeInput[], unit: ProfileUnit, meta: ProfileMeta = {}): Profile {
  const builder = new ProfileBuilder(unit, meta);
  // Iterative walk: call trees from real programs can be deeper than the JS stack allows.
  const work: Array<{ tree: CallTreeInput; parent: number }> = roots.map((tree) => ({ tree, parent: -1 })).reverse();
  while (work.length > 0) {
    const { tree, parent } = work.pop()!;
    const node = builder.childNode(parent, builder.internFrame(tree.frame));
    if (tree.self > 0) builder.addSample(node, tree.self);
    const children = tree.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) work.push({ tree: children[i]!, parent: node });
  }
  return builder.build();
}
