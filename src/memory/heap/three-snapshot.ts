import { formatBytes } from "../../core/units.js";
import { computeDominators, type DominatorResult } from "./dominators.js";
import { groupNodes, type NodeGroup } from "./group-nodes.js";
import { isUserNodeType, type HeapGraph } from "./heap-graph.js";
import { computeRetainerTree, findHolderName, findRetainerPath, renderRetainerPath, type RetainerTree } from "./retainers.js";

export interface LeakCandidateGroup {
  /** Constructor name for objects, "(string)", "(closure)"... otherwise. */
  className: string;
  /** "fn (file:line:col)" when the snapshots were taken while tracking allocations, else null. */
  allocationSite: string | null;
  count: number;
  selfSize: number;
  /** Retained size in the third snapshot, without counting members nested in other members. */
  retainedSize: number;
  largest: { nodeId: number; retainedSize: number };
  /** Shortest path from a GC root to the largest member, e.g. "(GC roots) → global → leakyCache (property) → ...". */
  retainerPath: string | null;
  /** The last named reference on that path ("leakyCache"), or null. */
  heldBy: string | null;
  /** The class of the candidate group whose members hold most of these (each leaked object's own arrays), or null. */
  insideOf: string | null;
  /** "+1,000 LeakedThing objects (1.0 MB retained) held by leakyCache". */
  summary: string;
}

export interface LeakCandidates {
  /** Objects new in snapshot 2 (not in 1), and how many of them are still alive in 3. */
  allocatedBetween1And2: number;
  survivingIn3: number;
  groups: LeakCandidateGroup[];
}

export interface FindLeakCandidatesOptions {
  /** Most groups returned (by retained size); 20 by default. */
  limit?: number;
  /** Groups with fewer members are dropped (1 by default). */
  minCount?: number;
  /** Dominators of s3 when already computed. */
  dominators?: DominatorResult;
}

/**
 * The three-snapshot technique: take a baseline (s1), repeat the suspect action and take s2,
 * repeat it again and take s3. Objects created between s1 and s2 that are still alive in s3
 * survived a whole further round of work: that is what leaks look like, while caches that
 * reach a steady state and per-action garbage drop out. V8 keeps object ids stable across
 * snapshots of one process, so the sets are compared by id. Only user-visible types count
 * (objects, closures, strings, ...): V8's internal code and arrays churn on their own.
 */
export function findLeakCandidates(s1: HeapGraph, s2: HeapGraph, s3: HeapGraph, options: FindLeakCandidatesOptions = {}): LeakCandidates {
  const before = sortedIds(s1, () => true);
  const userTypes = s2.nodeTypes.map((t) => isUserNodeType(t));
  const fresh = sortedIds(s2, (node) => userTypes[s2.nodeType[node] as number] === true && !contains(before, s2.nodeId[node] as number));
  const userTypes3 = s3.nodeTypes.map((t) => isUserNodeType(t));
  const survivors: number[] = [];
  for (let node = 0; node < s3.nodeCount; node++) {
    if (userTypes3[s3.nodeType[node] as number] === true && contains(fresh, s3.nodeId[node] as number)) survivors.push(node);
  }
  const dom = options.dominators ?? computeDominators(s3);
  const minCount = options.minCount ?? 1;
  const all = groupNodes(s3, dom, survivors, true);
  const groups = all
    .filter((g) => g.members.length >= minCount)
    .sort((a, b) => b.retainedSize - a.retainedSize)
    .slice(0, options.limit ?? 20);
  const tree = groups.length > 0 ? computeRetainerTree(s3) : null;
  return {
    allocatedBetween1And2: fresh.length,
    survivingIn3: survivors.length,
    groups: groups.map((g) => describeGroup(s3, dom, tree as RetainerTree, g, all)),
  };
}

function describeGroup(graph: HeapGraph, dom: DominatorResult, tree: RetainerTree, group: NodeGroup, all: NodeGroup[]): LeakCandidateGroup {
  const path = findRetainerPath(tree, group.largest);
  const heldBy = path ? findHolderName(graph, path) : null;
  const site = describeAllocationSite(graph, group.site);
  const count = group.members.length;
  const noun = group.className.startsWith("(") ? `${group.className} objects` : `${group.className} object${count === 1 ? "" : "s"}`;
  let summary = `+${count.toLocaleString("en-US")} ${noun} (${formatBytes(group.retainedSize)} retained)`;
  const insideOf = group.enclosedBy >= 0 ? (all[group.enclosedBy]?.className ?? null) : null;
  summary += heldBy ? ` held by ${heldBy}` : path ? "" : " (not reachable from a GC root)";
  if (insideOf) summary += ` inside ${insideOf} objects`;
  if (site) summary += `, allocated in ${site}`;
  return {
    className: group.className,
    allocationSite: site,
    count,
    selfSize: group.selfSize,
    retainedSize: group.retainedSize,
    largest: { nodeId: graph.nodeId[group.largest] as number, retainedSize: dom.retainedSize[group.largest] as number },
    retainerPath: path ? renderRetainerPath(graph, path) : null,
    heldBy,
    insideOf,
    summary,
  };
}

/** "makeThing (/srv/app.js:12:5)" for a function info index, or null. */
export function describeAllocationSite(graph: HeapGraph, site: number): string | null {
  const trace = graph.trace;
  if (!trace || site < 0 || site >= trace.functionName.length) return null;
  const name = graph.strings.get(trace.functionName[site] as number) || "(anonymous)";
  const script = graph.strings.get(trace.scriptName[site] as number);
  const line = trace.line[site] as number;
  const column = trace.column[site] as number;
  if (!script) return name;
  return `${name} (${script}${line > 0 ? `:${line}${column > 0 ? `:${column}` : ""}` : ""})`;
}

/** Ids of the nodes passing `keep`, sorted, for binary search (far smaller than a Set of numbers). */
function sortedIds(graph: HeapGraph, keep: (node: number) => boolean): Uint32Array {
  const ids = new Uint32Array(graph.nodeCount);
  let n = 0;
  for (let node = 0; node < graph.nodeCount; node++) if (keep(node)) ids[n++] = graph.nodeId[node] as number;
  return ids.subarray(0, n).sort();
}

function contains(sorted: Uint32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
