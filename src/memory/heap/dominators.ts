import { resolveTypeCodes, type HeapGraph } from "./heap-graph.js";

/** Marks "no node" in the Uint32 arrays below. */
export const NO_NODE = 0xffffffff;

export interface DominatorResult {
  /** Immediate dominator of each node (the root dominates itself); NO_NODE when unreachable. */
  idom: Uint32Array;
  /** Bytes freed if the node were gone: its self size plus everything only it keeps alive. */
  retainedSize: Float64Array;
  /** Nodes reachable from the root without weak edges. */
  reachableCount: number;
}

/**
 * Dominator tree and retained sizes from the synthetic root (node 0), ignoring weak edges.
 * Cooper, Harvey & Kennedy's iterative algorithm ("A Simple, Fast Dominance Algorithm") on a
 * reverse postorder: on heap graphs it settles in two or three passes and needs only flat
 * arrays: no recursion, so millions of nodes are fine. Unreachable nodes (V8 sometimes
 * reports some) get no dominator and retain just themselves.
 */
export function computeDominators(graph: HeapGraph): DominatorResult {
  const n = graph.nodeCount;
  const { order, post, count } = computePostorder(graph);
  const preds = collectPredecessors(graph, post, count);
  const doms = new Uint32Array(count).fill(NO_NODE);
  const root = count - 1;
  doms[root] = root;
  let changed = true;
  while (changed) {
    changed = false;
    // Reverse postorder: every node after at least one of its predecessors.
    for (let b = root - 1; b >= 0; b--) {
      let next = NO_NODE;
      const end = preds.start[b + 1] as number;
      for (let k = preds.start[b] as number; k < end; k++) {
        const p = preds.list[k] as number;
        if (doms[p] === NO_NODE) continue;
        next = next === NO_NODE ? p : intersect(doms, p, next);
      }
      if (doms[b] !== next) {
        doms[b] = next;
        changed = true;
      }
    }
  }
  const idom = new Uint32Array(n).fill(NO_NODE);
  const retainedSize = Float64Array.from(graph.nodeSelfSize);
  // Postorder puts each node before its dominator, so sizes flow up in one pass.
  for (let b = 0; b < root; b++) {
    const node = order[b] as number;
    const dom = order[doms[b] as number] as number;
    idom[node] = dom;
    retainedSize[dom] = (retainedSize[dom] as number) + (retainedSize[node] as number);
  }
  idom[order[root] as number] = order[root] as number;
  return { idom, retainedSize, reachableCount: count };
}

function intersect(doms: Uint32Array, a: number, b: number): number {
  let x = a;
  let y = b;
  while (x !== y) {
    while (x < y) x = doms[x] as number;
    while (y < x) y = doms[y] as number;
  }
  return x;
}

/**
 * Iterative depth-first search from node 0 over non-weak edges. Returns `order` (postorder
 * number → node), `post` (node → postorder number, NO_NODE if unreached) and how many were reached.
 */
export function computePostorder(graph: HeapGraph): { order: Uint32Array; post: Uint32Array; count: number } {
  const n = graph.nodeCount;
  const weak = resolveTypeCodes(graph).weakEdge;
  const { firstEdge, edgeToNode, edgeType } = graph;
  const post = new Uint32Array(n).fill(NO_NODE);
  const order = new Uint32Array(n);
  const visited = new Uint8Array(n);
  const stackNode = new Uint32Array(n);
  const stackEdge = new Uint32Array(n);
  let count = 0;
  if (n === 0) return { order, post, count };
  let top = 0;
  stackNode[0] = 0;
  stackEdge[0] = firstEdge[0] as number;
  visited[0] = 1;
  while (top >= 0) {
    const node = stackNode[top] as number;
    const end = firstEdge[node + 1] as number;
    let e = stackEdge[top] as number;
    let pushed = false;
    for (; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const to = edgeToNode[e] as number;
      if (visited[to]) continue;
      visited[to] = 1;
      stackEdge[top] = e + 1;
      top++;
      stackNode[top] = to;
      stackEdge[top] = firstEdge[to] as number;
      pushed = true;
      break;
    }
    if (pushed) continue;
    post[node] = count;
    order[count++] = node;
    top--;
  }
  return { order, post, count };
}

/** Predecessors of each reached node, in postorder numbers, as a CSR table (start/list). */
function collectPredecessors(graph: HeapGraph, post: Uint32Array, count: number): { start: Uint32Array; list: Uint32Array } {
  const weak = resolveTypeCodes(graph).weakEdge;
  const { firstEdge, edgeToNode, edgeType } = graph;
  const start = new Uint32Array(count + 1);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (post[node] === NO_NODE) continue;
    const end = firstEdge[node + 1] as number;
    for (let e = firstEdge[node] as number; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const slot = (post[edgeToNode[e] as number] as number) + 1;
      start[slot] = (start[slot] as number) + 1;
    }
  }
  for (let i = 0; i < count; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const list = new Uint32Array(start[count] as number);
  const fill = start.slice(0, count);
  for (let node = 0; node < graph.nodeCount; node++) {
    const from = post[node] as number;
    if (from === NO_NODE) continue;
    const end = firstEdge[node + 1] as number;
    for (let e = firstEdge[node] as number; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const to = post[edgeToNode[e] as number] as number;
      list[fill[to] as number] = from;
      fill[to] = (fill[to] as number) + 1;
    }
  }
  return { start, list };
}
