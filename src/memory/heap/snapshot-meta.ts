/**
 * The "snapshot" header of a .heapsnapshot file: which columns the nodes and edges arrays
 * have, in which order, and how many entries to expect. Validated here because everything
 * after it is read positionally.
 */
export interface SnapshotLayout {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  traceFunctionInfoFields: string[];
  traceNodeFields: string[];
  /** From the header; null when it does not say (then the arrays grow as they are read). */
  nodeCount: number | null;
  edgeCount: number | null;
  traceFunctionCount: number | null;
}

const REQUIRED_NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count"];
const REQUIRED_EDGE_FIELDS = ["type", "name_or_index", "to_node"];

/** Reads the header; returns a problem description instead of throwing, for the caller to place. */
export function readSnapshotLayout(text: string): SnapshotLayout | string {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return `a JSON object for "snapshot" (${(error as Error).message})`;
  }
  const meta = (header as { meta?: unknown } | null)?.meta;
  if (typeof meta !== "object" || meta === null) return `a "meta" object inside "snapshot"`;
  const m = meta as Record<string, unknown>;
  const nodeFields = readStringList(m.node_fields);
  const edgeFields = readStringList(m.edge_fields);
  if (!nodeFields) return `"snapshot.meta.node_fields" as a list of field names`;
  if (!edgeFields) return `"snapshot.meta.edge_fields" as a list of field names`;
  const missingNode = REQUIRED_NODE_FIELDS.find((f) => !nodeFields.includes(f));
  if (missingNode) return `node field "${missingNode}" in snapshot.meta.node_fields (found ${nodeFields.join(", ")})`;
  const missingEdge = REQUIRED_EDGE_FIELDS.find((f) => !edgeFields.includes(f));
  if (missingEdge) return `edge field "${missingEdge}" in snapshot.meta.edge_fields (found ${edgeFields.join(", ")})`;
  const nodeTypes = readTypeList(m.node_types, nodeFields.indexOf("type"));
  const edgeTypes = readTypeList(m.edge_types, edgeFields.indexOf("type"));
  if (!nodeTypes || nodeTypes.length > 256) return `"snapshot.meta.node_types" with a list of node type names at the "type" position`;
  if (!edgeTypes || edgeTypes.length > 256) return `"snapshot.meta.edge_types" with a list of edge type names at the "type" position`;
  const h = header as Record<string, unknown>;
  return {
    nodeFields,
    nodeTypes,
    edgeFields,
    edgeTypes,
    traceFunctionInfoFields: readStringList(m.trace_function_info_fields) ?? [],
    traceNodeFields: readStringList(m.trace_node_fields) ?? [],
    nodeCount: readCount(h.node_count),
    edgeCount: readCount(h.edge_count),
    traceFunctionCount: readCount(h.trace_function_count),
  };
}

function readStringList(value: unknown): string[] | null {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return null;
  return value as string[];
}

function readTypeList(value: unknown, position: number): string[] | null {
  if (!Array.isArray(value) || position < 0) return null;
  return readStringList(value[position]);
}

function readCount(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}
