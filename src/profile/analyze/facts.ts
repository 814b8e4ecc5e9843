import type { FrameKind, Profile } from "../model.js";
import { weightToMs } from "../model.js";
import { computeCallTree, type CallTree } from "./call-tree.js";
import { computeFunctionStats, type FunctionStat } from "./function-stats.js";

/**
 * Everything analyzers need, computed once per profile (gather once, analyse many times).
 */
export interface ProfileFacts {
  profile: Profile;
  tree: CallTree;
  functions: FunctionStat[];
  /** Weight by the kind of the leaf frame: where time was really spent. */
  split: Record<FrameKind | "unknown", number>;
  totalWeight: number;
  /** Total weight minus idle: the time the process was on CPU. */
  busyWeight: number;
  /** Non-idle samples: what shares of busy time rest on (for their intervals). */
  sampleCount: number;
  toMs(weight: number): number | null;
}

export function gatherProfileFacts(profile: Profile): ProfileFacts {
  const tree = computeCallTree(profile);
  const functions = computeFunctionStats(profile, tree);
  const split: ProfileFacts["split"] = { js: 0, native: 0, kernel: 0, gc: 0, idle: 0, program: 0, other: 0, unknown: 0 };
  const { stack, weight } = profile.samples;
  let sampleCount = 0;
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    const kind = node >= 0 ? profile.frames[profile.stacks.frame[node]!]!.kind : "unknown";
    split[kind] += weight[i]!;
    if (kind !== "idle") sampleCount += profile.unit === "samples" ? weight[i]! : 1;
  }
  return {
    profile,
    tree,
    functions,
    split,
    totalWeight: tree.totalWeight,
    busyWeight: tree.totalWeight - split.idle,
    sampleCount,
    toMs: (w) => weightToMs(profile.unit, w),
  };
}
