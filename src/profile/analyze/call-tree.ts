import type { Profile } from "../model.js";

/**
 * Per-node weights of the profile's stack table: the merged call tree. Node i's `self` is
 * the weight of samples whose leaf is node i; `total` adds all its descendants. Children
 * lists let renderers walk the tree top-down. O(samples + nodes), no recursion.
 */
export interface CallTree {
  self: Float64Array;
  total: Float64Array;
  /** Child node indices per node, in first-seen order. */
  children: number[][];
  /** Root node indices (parent -1). */
  roots: number[];
  /** Weight of samples with an empty stack. */
  emptyWeight: number;
  /** Sum of all sample weights. */
  totalWeight: number;
}

export function computeCallTree(profile: Profile): CallTree {
  const nodeCount = profile.stacks.frame.length;
  const self = new Float64Array(nodeCount);
  const total = new Float64Array(nodeCount);
  let emptyWeight = 0;
  let totalWeight = 0;
  const { stack, weight } = profile.samples;
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    const w = weight[i]!;
    totalWeight += w;
    if (node < 0) emptyWeight += w;
    else self[node]! += w;
  }
  const parent = profile.stacks.parent;
  const children: number[][] = Array.from({ length: nodeCount }, () => []);
  const roots: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    const p = parent[n]!;
    if (p < 0) roots.push(n);
    else children[p]!.push(n);
  }
  // Nodes are created after their parents, so a reverse scan accumulates totals bottom-up.
  total.set(self);
  for (let n = nodeCount - 1; n >= 0; n--) {
    const p = parent[n]!;
    if (p >= 0) total[p]! += total[n]!;
  }
  return { self, total, children, roots, emptyWeight, totalWeight };
}
