import type { HeapGraph, TraceInfo } from "./heap-graph.js";
import type { Column, FailAt, NumberTableScanner } from "./json-scan.js";
import type { SnapshotLayout } from "./snapshot-meta.js";
import type { StringTable } from "./string-table.js";

/** Absolute byte offsets where sections ended, to place errors found after reading. */
export interface SectionEnds {
  nodes: number;
  edges: number;
  strings: number;
}

export interface GraphParts {
  source: string;
  layout: SnapshotLayout;
  nodes: NumberTableScanner;
  edges: NumberTableScanner;
  strings: StringTable;
  functionInfos: NumberTableScanner | null;
  traceTree: NumberTableScanner | null;
  ends: SectionEnds;
  failAt: FailAt;
}

function columnOf<T extends Column>(scanner: NumberTableScanner, fields: string[], name: string): T | null {
  const i = fields.indexOf(name);
  const column = i < 0 ? null : (scanner.columns[i] ?? null);
  return column ? (column.subarray(0, scanner.rows) as T) : null;
}

/**
 * Turns the scanned columns into a HeapGraph, checking what the format promises: counts match
 * the header, every edge points at the start of a node, every name is in the string table.
 */
export function buildHeapGraph(parts: GraphParts): HeapGraph {
  const { layout, nodes, edges, strings, ends, failAt } = parts;
  const nodeCount = nodes.rows;
  const edgeCount = edges.rows;
  if (layout.nodeCount !== null && layout.nodeCount !== nodeCount) {
    failAt(ends.nodes, `${layout.nodeCount} nodes (snapshot.node_count), but the "nodes" array holds ${nodeCount}`);
  }
  if (layout.edgeCount !== null && layout.edgeCount !== edgeCount) {
    failAt(ends.edges, `${layout.edgeCount} edges (snapshot.edge_count), but the "edges" array holds ${edgeCount}`);
  }
  const nf = layout.nodeFields;
  const ef = layout.edgeFields;
  const nodeType = columnOf<Uint8Array>(nodes, nf, "type") as Uint8Array;
  const nodeName = columnOf<Uint32Array>(nodes, nf, "name") as Uint32Array;
  const nodeId = columnOf<Uint32Array>(nodes, nf, "id") as Uint32Array;
  const nodeSelfSize = columnOf<Float64Array>(nodes, nf, "self_size") as Float64Array;
  const edgeType = columnOf<Uint8Array>(edges, ef, "type") as Uint8Array;
  const edgeNameOrIndex = columnOf<Uint32Array>(edges, ef, "name_or_index") as Uint32Array;
  const edgeToNode = columnOf<Uint32Array>(edges, ef, "to_node") as Uint32Array;

  // The edge_count column was sized one longer than the node count: it becomes firstEdge in
  // place (a running sum), so the counts never take memory twice.
  const counts = nodes.columns[nf.indexOf("edge_count")] as Uint32Array;
  const firstEdge = counts.length > nodeCount ? counts.subarray(0, nodeCount + 1) : Uint32Array.from({ length: nodeCount + 1 }, (_, i) => counts[i] ?? 0);
  let total = 0;
  for (let i = 0; i < nodeCount; i++) {
    const count = firstEdge[i] as number;
    firstEdge[i] = total;
    total += count;
    if ((nodeName[i] as number) >= strings.count) failAt(ends.strings, `a string table with an entry ${nodeName[i]} (the name of node ${i}), but it has ${strings.count} strings`);
  }
  firstEdge[nodeCount] = total;
  if (total !== edgeCount) failAt(ends.edges, `${total} edges (the sum of the nodes' edge_count), but the "edges" array holds ${edgeCount}`);

  // to_node is an offset into the flat nodes array; keep the node number instead.
  const width = nf.length;
  const nameIsIndex = layout.edgeTypes.map((t) => t === "element" || t === "hidden");
  for (let e = 0; e < edgeCount; e++) {
    const offset = edgeToNode[e] as number;
    const target = offset / width;
    if (offset % width !== 0 || target >= nodeCount) failAt(ends.edges, `edge ${e} to point at the start of one of the ${nodeCount} nodes, but its to_node is ${offset}`);
    edgeToNode[e] = target;
    if (!nameIsIndex[edgeType[e] as number] && (edgeNameOrIndex[e] as number) >= strings.count) {
      failAt(ends.strings, `a string table with an entry ${edgeNameOrIndex[e]} (the name of edge ${e}), but it has ${strings.count} strings`);
    }
  }
  return {
    nodeCount,
    edgeCount,
    nodeTypes: layout.nodeTypes,
    edgeTypes: layout.edgeTypes,
    nodeType,
    nodeName,
    nodeId,
    nodeSelfSize,
    nodeTraceId: columnOf<Uint32Array>(nodes, nf, "trace_node_id"),
    nodeDetachedness: columnOf<Uint8Array>(nodes, nf, "detachedness"),
    firstEdge,
    edgeType,
    edgeNameOrIndex,
    edgeToNode,
    strings,
    trace: buildTraceInfo(parts),
    source: parts.source,
  };
}

function buildTraceInfo(parts: GraphParts): TraceInfo | null {
  const { functionInfos, traceTree, layout } = parts;
  if (!functionInfos || !traceTree || functionInfos.rows === 0) return null;
  const ff = layout.traceFunctionInfoFields;
  const tf = layout.traceNodeFields.slice(0, -1);
  const ids = columnOf<Uint32Array>(traceTree, tf, "id");
  const fns = columnOf<Uint32Array>(traceTree, tf, "function_info_index");
  const functionName = columnOf<Uint32Array>(functionInfos, ff, "name");
  const scriptName = columnOf<Uint32Array>(functionInfos, ff, "script_name");
  if (!ids || !fns || !functionName || !scriptName) return null;
  const functionOfTraceNode = new Map<number, number>();
  for (let i = 0; i < traceTree.rows; i++) functionOfTraceNode.set(ids[i] as number, fns[i] as number);
  const rows = functionInfos.rows;
  return {
    functionName,
    scriptName,
    line: columnOf<Int32Array>(functionInfos, ff, "line") ?? new Int32Array(rows),
    column: columnOf<Int32Array>(functionInfos, ff, "column") ?? new Int32Array(rows),
    functionOfTraceNode,
  };
}
