import type { Frame, Profile, ProfileUnit } from "../profile/model.js";
import { buildMergedTree, type MergedTree } from "./merge-tree.js";

/** "call-path": siblings sorted by name (classic flame graph); "left-heavy": heaviest first. */
export type FlameMergeMode = "call-path" | "left-heavy";

export interface FlameLayoutOptions {
  /** Frames narrower than this fraction of the total are pruned (default 0.0001 = 0.01%). */
  minWidthFraction?: number;
  /** Deepest frame level kept (root frames are depth 1); deeper frames are cut. */
  maxDepth?: number;
  merge?: FlameMergeMode;
  /**
   * Upper bound on rectangles (default 100,000): when more frames pass `minWidthFraction`,
   * the width threshold is raised until they fit, so output size stays bounded.
   */
  maxRects?: number;
}

export interface FlameRect {
  /** Left edge as a fraction 0..1 of the total weight. */
  x: number;
  /** Width as a fraction 0..1 of the total weight (= total / totalWeight). */
  width: number;
  /** 0 for the synthetic root ("all"), 1 for the profile's root frames. */
  depth: number;
  /** Index into `frames`; -1 for the root. */
  frame: number;
  self: number;
  total: number;
  /** Index of the parent rect in `rects`; -1 for the root. */
  parent: number;
  /** Left edge in weight units (x × totalWeight), exact for zooming. */
  start: number;
}

/** Weight hidden from the drawing, counted where it was cut (the parents keep it in `total`). */
export interface FlameHidden {
  /** Sum of the totals of the cut subtrees. */
  weight: number;
  /** Number of subtrees cut (their descendants are not counted separately). */
  subtrees: number;
}

export interface FlameLayout {
  unit: ProfileUnit;
  totalWeight: number;
  sampleCount: number;
  /** The profile's frame table, indexed by `FlameRect.frame`. */
  frames: readonly Frame[];
  /** Rectangles in depth-first order: every parent precedes its children. */
  rects: FlameRect[];
  /** Deepest depth among `rects`. */
  maxDepth: number;
  merge: FlameMergeMode;
  /** Frames narrower than `thresholdWeight` (minWidthFraction, raised by maxRects). */
  pruned: FlameHidden & { thresholdWeight: number; raisedByMaxRects: boolean };
  /** Frames below `maxDepth`. */
  depthLimited: FlameHidden;
}

export const DEFAULT_MIN_WIDTH_FRACTION = 0.0001;
export const DEFAULT_MAX_RECTS = 100_000;

/**
 * Lays out the profile's merged call tree as flame-graph rectangles. Linear in stack nodes
 * apart from sorting siblings; iterative, so stack depth is unbounded.
 */
export function layoutFlameGraph(profile: Profile, options: FlameLayoutOptions = {}): FlameLayout {
  const merge = options.merge ?? "call-path";
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxRects = Math.max(1, Math.floor(options.maxRects ?? DEFAULT_MAX_RECTS));
  const tree = buildMergedTree(profile);
  const totalWeight = tree.totalWeight;
  const minWeight = Math.max(0, options.minWidthFraction ?? DEFAULT_MIN_WIDTH_FRACTION) * totalWeight;
  const { threshold, raised } = chooseThreshold(tree, minWeight, maxDepth, maxRects);
  const keep = (m: number): boolean => tree.total[m]! > 0 && tree.total[m]! >= minWeight && (!raised || tree.total[m]! > threshold);

  const layout: FlameLayout = {
    unit: profile.unit,
    totalWeight,
    sampleCount: profile.samples.stack.length,
    frames: profile.frames,
    rects: [],
    maxDepth: 0,
    merge,
    pruned: { weight: 0, subtrees: 0, thresholdWeight: Math.max(minWeight, raised ? threshold : 0), raisedByMaxRects: raised },
    depthLimited: { weight: 0, subtrees: 0 },
  };
  const scale = totalWeight > 0 ? 1 / totalWeight : 0;
  const compare = merge === "left-heavy" ? compareHeaviest(tree, profile.frames) : compareByName(tree, profile.frames);
  const start = new Float64Array(tree.size);
  // Explicit stack of [merged id, parent rect]: pre-order, children pushed in reverse.
  const work: number[] = [0, -1];
  while (work.length > 0) {
    const parentRect = work.pop()!;
    const m = work.pop()!;
    const index = layout.rects.length;
    const depth = tree.depth[m]!;
    layout.rects.push({
      x: start[m]! * scale,
      width: tree.total[m]! * scale,
      depth,
      frame: tree.frame[m]!,
      self: tree.self[m]!,
      total: tree.total[m]!,
      parent: parentRect,
      start: start[m]!,
    });
    if (depth > layout.maxDepth) layout.maxDepth = depth;
    const kids = tree.children[m]!;
    if (kids.length === 0) continue;
    if (kids.length > 1) kids.sort(compare);
    // Pruned siblings keep their slot, so x does not shift when the threshold changes.
    let offset = start[m]!;
    const keptKids: number[] = [];
    for (const c of kids) {
      start[c] = offset;
      offset += tree.total[c]!;
      if (tree.total[c]! <= 0) continue;
      const hidden = depth + 1 > maxDepth ? layout.depthLimited : keep(c) ? null : layout.pruned;
      if (hidden) {
        hidden.weight += tree.total[c]!;
        hidden.subtrees++;
      } else keptKids.push(c);
    }
    for (let i = keptKids.length - 1; i >= 0; i--) work.push(keptKids[i]!, index);
  }
  return layout;
}

/**
 * The weight a frame must exceed: `minWeight`, raised to the (maxRects+1)-th largest total
 * when more frames would pass. A child never outweighs its parent, so keeping the
 * heaviest frames keeps a connected tree.
 */
function chooseThreshold(tree: MergedTree, minWeight: number, maxDepth: number, maxRects: number): { threshold: number; raised: boolean } {
  let count = 0;
  for (let m = 1; m < tree.size; m++) {
    const t = tree.total[m]!;
    if (t > 0 && t >= minWeight && tree.depth[m]! <= maxDepth) count++;
  }
  if (count + 1 <= maxRects) return { threshold: minWeight, raised: false };
  const totals = new Float64Array(count);
  let i = 0;
  for (let m = 1; m < tree.size; m++) {
    const t = tree.total[m]!;
    if (t > 0 && t >= minWeight && tree.depth[m]! <= maxDepth) totals[i++] = t;
  }
  totals.sort();
  // The root takes one slot; keeping totals strictly above this value leaves at most maxRects - 1.
  return { threshold: totals[count - maxRects]!, raised: true };
}

function compareByName(tree: MergedTree, frames: readonly Frame[]): (a: number, b: number) => number {
  return (a, b) => {
    const fa = tree.frame[a]!;
    const fb = tree.frame[b]!;
    const x = frames[fa];
    const y = frames[fb];
    if (x && y) {
      if (x.name !== y.name) return x.name < y.name ? -1 : 1;
      const xf = x.file ?? "";
      const yf = y.file ?? "";
      if (xf !== yf) return xf < yf ? -1 : 1;
      if ((x.line ?? 0) !== (y.line ?? 0)) return (x.line ?? 0) - (y.line ?? 0);
    }
    return fa - fb;
  };
}

function compareHeaviest(tree: MergedTree, frames: readonly Frame[]): (a: number, b: number) => number {
  const byName = compareByName(tree, frames);
  return (a, b) => tree.total[b]! - tree.total[a]! || byName(a, b);
}
