import { readFileSync } from "node:fs";

/** The obvious reading of a snapshot (JSON.parse of the whole file), to check the streaming parser against. */
export interface ReferenceSnapshot {
  nodeFields: string[];
  edgeFields: string[];
  nodes: number[];
  edges: number[];
  strings: string[];
}

export function readSnapshotWithJsonParse(file: string): ReferenceSnapshot {
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; edge_fields: string[] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  return { nodeFields: json.snapshot.meta.node_fields, edgeFields: json.snapshot.meta.edge_fields, nodes: json.nodes, edges: json.edges, strings: json.strings };
}
