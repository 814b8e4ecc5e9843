import { computeDominators, type DominatorResult } from "./dominators.js";
import { groupNodes } from "./group-nodes.js";
import type { HeapGraph } from "./heap-graph.js";

export interface ConstructorSummary {
  /** Constructor name for objects, "(string)", "(array)", "(code)"... otherwise. */
  className: string;
  count: number;
  selfSize: number;
  /** Retained size, counting members nested inside other members once. */
  retainedSize: number;
}

export interface HeapSummary {
  nodeCount: number;
  edgeCount: number;
  /** Sum of all self sizes, reachable or not. */
  totalSelfSize: number;
  /** What the root retains: the live heap as the GC sees it. */
  reachableSize: number;
  reachableCount: number;
  /** Largest first, by retained size. */
  top: ConstructorSummary[];
}

/** Top constructors by retained size, like the Summary view of DevTools' memory panel. */
export function summarizeHeap(graph: HeapGraph, options: { limit?: number; dominators?: DominatorResult } = {}): HeapSummary {
  const dom = options.dominators ?? computeDominators(graph);
  let totalSelfSize = 0;
  for (let i = 0; i < graph.nodeCount; i++) totalSelfSize += graph.nodeSelfSize[i] as number;
  // The root and V8's synthetic "(GC roots)" nodes would dominate everything: leave them out.
  const synthetic = graph.nodeTypes.indexOf("synthetic");
  const nodes = {
    *[Symbol.iterator](): Iterator<number> {
      for (let i = 0; i < graph.nodeCount; i++) if (graph.nodeType[i] !== synthetic) yield i;
    },
  };
  const top = groupNodes(graph, dom, nodes, false)
    .sort((a, b) => b.retainedSize - a.retainedSize)
    .slice(0, options.limit ?? 20)
    .map((g) => ({ className: g.className, count: g.members.length, selfSize: g.selfSize, retainedSize: g.retainedSize }));
  return {
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    totalSelfSize,
    reachableSize: graph.nodeCount > 0 ? (dom.retainedSize[0] as number) : 0,
    reachableCount: dom.reachableCount,
    top,
  };
}
