import { NO_NODE, type DominatorResult } from "./dominators.js";
import { getNodeClassName, type HeapGraph } from "./heap-graph.js";

/** Nodes sharing a key (class, or class + allocation site), with sizes that do not double count. */
export interface NodeGroup {
  key: number;
  className: string;
  /** Function info index of the allocation site, or -1. */
  site: number;
  members: number[];
  selfSize: number;
  /** Sum of retained sizes over members that no other member of the group dominates. */
  retainedSize: number;
  largest: number;
  /**
   * The group (index into the returned list) whose members dominate most of this group's
   * members, e.g. the "Array" of each leaked object sits inside the "LeakedThing" group; or -1.
   */
  enclosedBy: number;
}

/**
 * Groups `nodes` by class (objects by constructor name, the rest by type) and, with `bySite`,
 * by the function that allocated them. A member dominated by another member of the same group
 * is already inside that one's retained size, so only the outermost members are summed.
 */
export function groupNodes(graph: HeapGraph, dom: DominatorResult, nodes: Iterable<number>, bySite: boolean): NodeGroup[] {
  const trace = bySite ? graph.trace : null;
  const siteCount = trace ? trace.functionName.length + 1 : 1;
  const objectLike = new Set(["object", "native"].map((t) => graph.nodeTypes.indexOf(t)).filter((t) => t >= 0));
  // All string representations count as one class, "(string)", as getNodeClassName says.
  const stringType = graph.nodeTypes.indexOf("string");
  const classType = graph.nodeTypes.map((t, i) => (t === "concatenated string" || t === "sliced string" ? stringType : i));
  const groups = new Map<number, number>();
  const groupOf = new Int32Array(graph.nodeCount).fill(-1);
  const list: NodeGroup[] = [];
  for (const node of nodes) {
    const type = graph.nodeType[node] as number;
    const nameKey = objectLike.has(type) ? (graph.nodeName[node] as number) + 1 : 0;
    let site = -1;
    if (trace && graph.nodeTraceId) site = trace.functionOfTraceNode.get(graph.nodeTraceId[node] as number) ?? -1;
    const key = (nameKey * 256 + (classType[type] as number)) * siteCount + (site + 1);
    let index = groups.get(key);
    if (index === undefined) {
      index = list.push({ key, className: getNodeClassName(graph, node), site, members: [], selfSize: 0, retainedSize: 0, largest: node, enclosedBy: -1 }) - 1;
      groups.set(key, index);
    }
    const group = list[index] as NodeGroup;
    groupOf[node] = index;
    group.members.push(node);
    group.selfSize += graph.nodeSelfSize[node] as number;
    if ((dom.retainedSize[node] as number) > (dom.retainedSize[group.largest] as number)) group.largest = node;
  }
  const nearest = nearestMemberAbove(dom.idom, groupOf);
  list.forEach((group, index) => {
    const enclosing = new Map<number, number>();
    for (const node of group.members) {
      const outer = findEnclosingMember(node, index, dom.idom, groupOf, nearest);
      if (outer.sameGroup) continue;
      group.retainedSize += dom.retainedSize[node] as number;
      if (outer.firstOther !== -1) enclosing.set(outer.firstOther, (enclosing.get(outer.firstOther) ?? 0) + 1);
    }
    for (const [other, count] of enclosing) if (count * 2 > group.members.length) group.enclosedBy = other;
  });
  return list;
}

/**
 * Returns a function giving, for a node, the closest node at or above it in the dominator tree
 * that is a group member (NO_NODE if none). Memoised, and iterative: chains can be long.
 */
function nearestMemberAbove(idom: Uint32Array, groupOf: Int32Array): (node: number) => number {
  const memo = new Uint32Array(idom.length).fill(NO_NODE);
  const UNSET = NO_NODE;
  const NONE = NO_NODE - 1;
  const pending: number[] = [];
  return (start: number): number => {
    let u = start;
    let answer: number = NONE;
    for (;;) {
      if (memo[u] !== UNSET) {
        answer = memo[u] as number;
        break;
      }
      if (groupOf[u] !== -1) {
        answer = u;
        break;
      }
      pending.push(u);
      const up = idom[u] as number;
      if (up === NO_NODE || up === u) break;
      u = up;
    }
    for (const p of pending) memo[p] = answer;
    pending.length = 0;
    return answer === NONE ? NO_NODE : answer;
  };
}

/** Walks up the dominator tree through members only: is one of our own group above, and which group is nearest? */
function findEnclosingMember(
  node: number,
  group: number,
  idom: Uint32Array,
  groupOf: Int32Array,
  nearest: (node: number) => number,
): { sameGroup: boolean; firstOther: number } {
  let u = node;
  let firstOther = -1;
  for (;;) {
    const up = idom[u] as number;
    if (up === NO_NODE || up === u) return { sameGroup: false, firstOther };
    const member = nearest(up);
    if (member === NO_NODE) return { sameGroup: false, firstOther };
    const g = groupOf[member] as number;
    if (g === group) return { sameGroup: true, firstOther };
    if (firstOther === -1) firstOther = g;
    u = member;
  }
}
