import type { HeapGraph } from "../heap-graph.js";
import { parseHeapSnapshotChunks } from "../parse-snapshot.js";

export interface TestNode {
  name: string;
  type?: "synthetic" | "object" | "string" | "array" | "closure" | "hidden";
  self?: number;
}

export interface TestEdge {
  from: number;
  to: number;
  type?: "property" | "element" | "context" | "internal" | "weak" | "shortcut" | "hidden";
  /** Property name, or the index for element edges. */
  name?: string | number;
}

const NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "synthetic"];
const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/**
 * Writes a small graph in the .heapsnapshot format and reads it back with the real parser,
 * so hand-built test graphs go through the same code as real snapshots.
 */
export function buildTestGraph(nodes: TestNode[], edges: TestEdge[]): HeapGraph {
  const strings: string[] = [""];
  const index = new Map<string, number>([["", 0]]);
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const out = nodes.map(() => [] as number[]);
  for (const e of edges) {
    const type = e.type ?? "property";
    const nameOrIndex = type === "element" || type === "hidden" ? Number(e.name ?? 0) : intern(String(e.name ?? `e${e.from}_${e.to}`));
    out[e.from]!.push(EDGE_TYPES.indexOf(type), nameOrIndex, e.to * 5);
  }
  const nodeNumbers = nodes.flatMap((n, i) => [NODE_TYPES.indexOf(n.type ?? "object"), intern(n.name), i * 2 + 1, n.self ?? 10, out[i]!.length / 3]);
  const snapshot = {
    snapshot: {
      meta: {
        node_fields: ["type", "name", "id", "self_size", "edge_count"],
        node_types: [NODE_TYPES, "string", "number", "number", "number"],
        edge_fields: ["type", "name_or_index", "to_node"],
        edge_types: [EDGE_TYPES, "string_or_number", "node"],
      },
      node_count: nodes.length,
      edge_count: edges.length,
    },
    nodes: nodeNumbers,
    edges: out.flat(),
    strings,
  };
  return parseHeapSnapshotChunks([Buffer.from(JSON.stringify(snapshot))], "test-graph");
}
