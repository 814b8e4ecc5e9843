import type { Profile } from "../profile/model.js";
import { computeCallTree } from "../profile/analyze/call-tree.js";

/**
 * The profile's call tree with siblings of the same frame merged. ProfileBuilder never makes
 * two stack nodes for one (frame, parent) pair, but the model does not forbid it (a profile
 * read from JSON or built by hand may have them), and a flame graph must show each function
 * once per call path. Node 0 is a synthetic
 * root ("all") whose self weight is the empty-stack weight. Built top-down with explicit
 * queues — no recursion — so 200+-deep stacks cost nothing extra.
 */
export interface MergedTree {
  /** Frame index per merged node; -1 for the root. */
  frame: Int32Array;
  parent: Int32Array;
  depth: Int32Array;
  self: Float64Array;
  total: Float64Array;
  /** Child merged-node ids per node, in first-seen order (sorted later by the layout). */
  children: number[][];
  size: number;
  totalWeight: number;
}

export function buildMergedTree(profile: Profile): MergedTree {
  // Weights come from the shared call-tree analysis so every view agrees on self/total.
  const tree = computeCallTree(profile);
  const stackFrame = profile.stacks.frame;
  const capacity = stackFrame.length + 1;
  const frame = new Int32Array(capacity);
  const parent = new Int32Array(capacity);
  const depth = new Int32Array(capacity);
  const self = new Float64Array(capacity);
  const total = new Float64Array(capacity);
  const children: number[][] = [[]];
  frame[0] = -1;
  parent[0] = -1;
  self[0] = tree.emptyWeight;
  total[0] = tree.totalWeight;
  let size = 1;

  // members[m] lists the profile stack nodes merged into merged node m; freed once expanded.
  const members: Array<number[] | undefined> = [];
  const group = (owner: number, sources: readonly number[]): void => {
    const byFrame = new Map<number, number>();
    for (const node of sources) {
      const f = stackFrame[node]!;
      let m = byFrame.get(f);
      if (m === undefined) {
        m = size++;
        byFrame.set(f, m);
        frame[m] = f;
        parent[m] = owner;
        depth[m] = depth[owner]! + 1;
        children.push([]);
        children[owner]!.push(m);
        members[m] = [];
      }
      self[m]! += tree.self[node]!;
      total[m]! += tree.total[node]!;
      members[m]!.push(node);
    }
  };

  group(0, tree.roots);
  // Merged ids are assigned in breadth-first order, so a forward scan expands every node.
  for (let m = 1; m < size; m++) {
    const own = members[m]!;
    members[m] = undefined;
    if (own.length === 1) {
      const kids = tree.children[own[0]!]!;
      if (kids.length > 0) group(m, kids);
    } else {
      const kids: number[] = [];
      for (const node of own) for (const c of tree.children[node]!) kids.push(c);
      if (kids.length > 0) group(m, kids);
    }
  }
  return { frame, parent, depth, self, total, children, size, totalWeight: tree.totalWeight };
}
