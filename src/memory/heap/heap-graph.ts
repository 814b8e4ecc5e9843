/**
 * HeapGraph: a V8 heap snapshot held in typed arrays (struct of arrays), so that snapshots of
 * millions of objects fit in a fraction of the memory a JSON.parse of the file would take.
 *
 * Nodes are numbered 0..nodeCount-1 in file order (node 0 is V8's synthetic root). For node i:
 *   nodeType[i]          index into `nodeTypes` ("object", "closure", "string", ...)
 *   nodeName[i]          index into `strings` (the constructor name for objects, the text for strings)
 *   nodeId[i]            V8's object id: stable across the snapshots of one process
 *   nodeSelfSize[i]      bytes of the object itself (Float64Array: a backing store may exceed 4 GB)
 *   nodeTraceId[i]       allocation trace node id (0 = none), when the file has the field
 *   nodeDetachedness[i]  0 unknown · 1 attached · 2 detached (DOM/embedder objects), when present
 *   firstEdge[i]         index of the node's first edge; its edges are firstEdge[i]..firstEdge[i+1]-1
 *                        (length nodeCount + 1, so firstEdge[nodeCount] === edgeCount); the node's
 *                        edge count is firstEdge[i+1] - firstEdge[i] (see getEdgeCount)
 * Edges are numbered 0..edgeCount-1, grouped by their source node. For edge e:
 *   edgeType[e]          index into `edgeTypes` ("context", "element", "property", ...)
 *   edgeNameOrIndex[e]   a string index, except for "element" and "hidden" edges where it is the index
 *   edgeToNode[e]        the target node's number (not the raw offset into the nodes array)
 */
export interface StringTableView {
  readonly count: number;
  get(index: number): string;
}

/** Allocation sites, present only when the snapshot was taken while tracking allocations. */
export interface TraceInfo {
  /** Per function info: name and script as string indices; line and column 1-based as V8 writes them (0 = unknown). */
  functionName: Uint32Array;
  scriptName: Uint32Array;
  line: Int32Array;
  column: Int32Array;
  /** Trace node id → function info index (the top frame of the allocation). */
  functionOfTraceNode: Map<number, number>;
}

export interface HeapGraph {
  nodeCount: number;
  edgeCount: number;
  nodeTypes: string[];
  edgeTypes: string[];
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  nodeId: Uint32Array;
  nodeSelfSize: Float64Array;
  nodeTraceId: Uint32Array | null;
  nodeDetachedness: Uint8Array | null;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  edgeNameOrIndex: Uint32Array;
  edgeToNode: Uint32Array;
  strings: StringTableView;
  trace: TraceInfo | null;
  /** The file it was read from, for messages. */
  source: string;
}

/** Type indices resolved once, so hot loops compare small integers instead of strings. */
export interface TypeCodes {
  weakEdge: number;
  elementEdge: number;
  hiddenEdge: number;
  shortcutEdge: number;
  objectNode: number;
  syntheticNode: number;
}

export function resolveTypeCodes(graph: HeapGraph): TypeCodes {
  return {
    weakEdge: graph.edgeTypes.indexOf("weak"),
    elementEdge: graph.edgeTypes.indexOf("element"),
    hiddenEdge: graph.edgeTypes.indexOf("hidden"),
    shortcutEdge: graph.edgeTypes.indexOf("shortcut"),
    objectNode: graph.nodeTypes.indexOf("object"),
    syntheticNode: graph.nodeTypes.indexOf("synthetic"),
  };
}

/** Outgoing edges of a node (the snapshot's edge_count field). */
export function getEdgeCount(graph: HeapGraph, node: number): number {
  return (graph.firstEdge[node + 1] as number) - (graph.firstEdge[node] as number);
}

export function getNodeTypeName(graph: HeapGraph, node: number): string {
  return graph.nodeTypes[graph.nodeType[node] ?? 0] ?? "unknown";
}

export function getNodeName(graph: HeapGraph, node: number): string {
  return graph.strings.get(graph.nodeName[node] ?? 0);
}

export function getEdgeTypeName(graph: HeapGraph, edge: number): string {
  return graph.edgeTypes[graph.edgeType[edge] ?? 0] ?? "unknown";
}

/** Whether an edge's name_or_index is a number (element/hidden) rather than a string index. */
export function isIndexEdge(graph: HeapGraph, edge: number): boolean {
  const type = getEdgeTypeName(graph, edge);
  return type === "element" || type === "hidden";
}

/** The edge's name: the property/variable name, or the element index as text. */
export function getEdgeName(graph: HeapGraph, edge: number): string {
  const raw = graph.edgeNameOrIndex[edge] ?? 0;
  return isIndexEdge(graph, edge) ? String(raw) : graph.strings.get(raw);
}

// Types whose instances a program creates itself; V8-internal ones (code, hidden, arrays of
// properties, shapes) come and go with compilation and are noise in a leak report.
const USER_TYPES = new Set(["object", "closure", "regexp", "string", "concatenated string", "sliced string", "number", "native", "symbol", "bigint"]);

/** Whether a node is something the program allocated (as opposed to V8 internals). */
export function isUserNodeType(typeName: string): boolean {
  return USER_TYPES.has(typeName);
}

/**
 * The class a node is counted under, as DevTools' summary does: objects and native objects by
 * their constructor name, everything else by "(type)" (strings, closures, numbers...).
 */
export function getNodeClassName(graph: HeapGraph, node: number): string {
  const type = getNodeTypeName(graph, node);
  if (type === "object" || type === "native") return cleanObjectName(getNodeName(graph, node));
  if (type === "concatenated string" || type === "sliced string") return "(string)";
  return `(${type})`;
}

/** A short readable label for a node, for retainer paths: "LeakedThing", "(closure) onData". */
export function describeNode(graph: HeapGraph, node: number): string {
  const type = getNodeTypeName(graph, node);
  const name = getNodeName(graph, node);
  if (type === "object" || type === "native" || type === "synthetic") return name === "" ? `(${type})` : cleanObjectName(name);
  if (type === "string" || type === "concatenated string" || type === "sliced string") return `"${truncate(name, 40)}"`;
  return name === "" ? `(${type})` : `(${type}) ${truncate(name, 40)}`;
}

/** The inspector names global objects "global / <url>" with an empty url for Node: drop the empty tail. */
function cleanObjectName(name: string): string {
  return name.endsWith(" / ") ? name.slice(0, -3) : name;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Converts a node number to and from V8 object ids within one graph (ids are unique per snapshot). */
export function buildNodeIndexById(graph: HeapGraph): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < graph.nodeCount; i++) map.set(graph.nodeId[i] ?? 0, i);
  return map;
}
