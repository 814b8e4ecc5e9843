import { NO_NODE } from "./dominators.js";
import { describeNode, getEdgeName, getEdgeTypeName, getNodeName, getNodeTypeName, resolveTypeCodes, type HeapGraph } from "./heap-graph.js";

/** For every node, the edge through which a breadth-first search from the root first reached it. */
export interface RetainerTree {
  parentEdge: Uint32Array;
  parentNode: Uint32Array;
}

/** One hop of a retainer path: `edge` (from the previous node) leads to `node`; the first hop has edge null. */
export interface RetainerStep {
  node: number;
  edge: number | null;
}

/**
 * Breadth-first search from the synthetic root over non-weak edges, so that each node's
 * recorded parent lies on a shortest path from a GC root. One pass serves every path query.
 */
export function computeRetainerTree(graph: HeapGraph): RetainerTree {
  const n = graph.nodeCount;
  const weak = resolveTypeCodes(graph).weakEdge;
  const { firstEdge, edgeToNode, edgeType } = graph;
  const parentEdge = new Uint32Array(n).fill(NO_NODE);
  const parentNode = new Uint32Array(n).fill(NO_NODE);
  if (n === 0) return { parentEdge, parentNode };
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parentNode[0] = 0;
  while (head < tail) {
    const node = queue[head++] as number;
    const end = firstEdge[node + 1] as number;
    for (let e = firstEdge[node] as number; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const to = edgeToNode[e] as number;
      if (parentNode[to] !== NO_NODE) continue;
      parentNode[to] = node;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return { parentEdge, parentNode };
}

/** The shortest chain from the root to `node`, root first; null when nothing retains it. */
export function findRetainerPath(tree: RetainerTree, node: number): RetainerStep[] | null {
  if (tree.parentNode[node] === NO_NODE) return null;
  const steps: RetainerStep[] = [];
  let current = node;
  // Bounded by the node count: the parents form a tree rooted at node 0.
  while (current !== 0) {
    steps.push({ node: current, edge: tree.parentEdge[current] as number });
    current = tree.parentNode[current] as number;
  }
  steps.push({ node: 0, edge: null });
  return steps.reverse();
}

/** "leakyCache (property)", "[123] (element)", "onData (context)". */
export function describeEdge(graph: HeapGraph, edge: number): string {
  const type = getEdgeTypeName(graph, edge);
  const name = getEdgeName(graph, edge);
  if (type === "element" || type === "hidden") return `[${name}] (${type})`;
  return `${name} (${type})`;
}

/**
 * Renders a path as "(GC roots) → global → leakyCache (property) → Array → [123] (element) →
 * LeakedThing". The synthetic root is shown as "(GC roots)" (its own "(GC roots)" child is
 * then not repeated), and edges out of synthetic nodes are left unnamed: they are V8's
 * bookkeeping (root slots), not references the program made.
 */
export function renderRetainerPath(graph: HeapGraph, steps: RetainerStep[]): string {
  const parts: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as RetainerStep;
    if (i === 0 && step.node === 0) {
      parts.push("(GC roots)");
      continue;
    }
    const from = i > 0 ? (steps[i - 1] as RetainerStep).node : null;
    if (from === 0 && getNodeName(graph, step.node) === "(GC roots)") continue;
    if (step.edge !== null && from !== null && getNodeTypeName(graph, from) !== "synthetic") parts.push(describeEdge(graph, step.edge));
    parts.push(describeNode(graph, step.node));
  }
  return parts.join(" → ");
}

/**
 * The name a group is "held by": the last named reference on the path (a property, a closure
 * variable, an internal field), skipping element indices, e.g. "leakyCache".
 */
export function findHolderName(graph: HeapGraph, steps: RetainerStep[]): string | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const edge = (steps[i] as RetainerStep).edge;
    if (edge === null) continue;
    const type = getEdgeTypeName(graph, edge);
    if (type === "property" || type === "context" || type === "shortcut") return getEdgeName(graph, edge);
  }
  return null;
}
