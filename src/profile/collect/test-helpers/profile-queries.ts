import { computeCallTree } from "../../analyze/call-tree.js";
import type { Profile } from "../../model.js";

/** Self weight per function name, summed over every call path (test-side, from the model). */
export function selfWeightByFunction(profile: Profile): Map<string, number> {
  const tree = computeCallTree(profile);
  const out = new Map<string, number>();
  for (let node = 0; node < profile.stacks.frame.length; node++) {
    const frame = profile.frames[profile.stacks.frame[node]!]!;
    out.set(frame.name, (out.get(frame.name) ?? 0) + tree.self[node]!);
  }
  return out;
}

/** The function with the most self weight, ignoring V8's pseudo-frames such as (idle). */
export function hottestFunction(profile: Profile): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const [name, weight] of selfWeightByFunction(profile)) {
    if (name.startsWith("(") || weight <= bestWeight) continue;
    best = name;
    bestWeight = weight;
  }
  return best;
}

/** Names of every frame in the profile that has at least one sample below or at it. */
export function frameNames(profile: Profile): string[] {
  return profile.frames.map((f) => f.name);
}
