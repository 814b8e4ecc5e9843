import type { Profile } from "../model.js";
import { computeCallTree, type CallTree } from "./call-tree.js";

/** Self and total weight per function (frame), with sample counts for confidence intervals. */
export interface FunctionStat {
  frame: number;
  /** Weight where this function was the leaf: time spent in its own code. */
  self: number;
  /** Weight of every sample with this function anywhere on the stack; recursion counted once. */
  total: number;
  /** Number of samples behind `self` (for intervals): the weight itself for "samples" profiles. */
  selfSamples: number;
  totalSamples: number;
}

/** Sample counts per node: how many samples a node's weight rests on. */
function countSamplesPerNode(profile: Profile, nodeCount: number): Float64Array {
  const counts = new Float64Array(nodeCount);
  const { stack, weight } = profile.samples;
  const byWeight = profile.unit === "samples";
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    if (node >= 0) counts[node]! += byWeight ? weight[i]! : 1;
  }
  return counts;
}

export function computeFunctionStats(profile: Profile, tree: CallTree = computeCallTree(profile)): FunctionStat[] {
  const nodeCount = profile.stacks.frame.length;
  const frameOf = profile.stacks.frame;
  const selfCount = countSamplesPerNode(profile, nodeCount);
  const totalCount = Float64Array.from(selfCount);
  for (let n = nodeCount - 1; n >= 0; n--) {
    const p = profile.stacks.parent[n]!;
    if (p >= 0) totalCount[p]! += totalCount[n]!;
  }

  const stats: FunctionStat[] = profile.frames.map((_, frame) => ({ frame, self: 0, total: 0, selfSamples: 0, totalSamples: 0 }));
  // How many times each frame is on the current path: a node adds to its function's total
  // only when the function is not already on the path above it (recursion counted once).
  const onPath = new Int32Array(profile.frames.length);
  // Iterative DFS with explicit enter/exit so deep stacks cannot overflow the JS stack.
  const work: number[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) work.push(tree.roots[i]!);
  while (work.length > 0) {
    const item = work.pop()!;
    if (item < 0) {
      onPath[frameOf[~item]!]!--;
      continue;
    }
    const frame = frameOf[item]!;
    const stat = stats[frame]!;
    stat.self += tree.self[item]!;
    stat.selfSamples += selfCount[item]!;
    if (onPath[frame] === 0) {
      stat.total += tree.total[item]!;
      stat.totalSamples += totalCount[item]!;
    }
    onPath[frame]!++;
    work.push(~item);
    const kids = tree.children[item]!;
    for (let i = kids.length - 1; i >= 0; i--) work.push(kids[i]!);
  }
  return stats;
}
