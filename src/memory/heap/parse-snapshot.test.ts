import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { getEdgeCount, type HeapGraph } from "./heap-graph.js";
import { parseHeapSnapshotChunks, parseHeapSnapshotFile } from "./parse-snapshot.js";
import { readSnapshotWithJsonParse, type ReferenceSnapshot } from "./test-helpers/reference-reader.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function splitEvery(buffer: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return chunks;
}

/** Compares every node, edge and string of the streamed graph with the JSON.parse reading. */
function expectSameAsReference(graph: HeapGraph, ref: ReferenceSnapshot): void {
  const nf = ref.nodeFields.length;
  const ef = ref.edgeFields.length;
  expect(graph.nodeCount).toBe(ref.nodes.length / nf);
  expect(graph.edgeCount).toBe(ref.edges.length / ef);
  expect(graph.strings.count).toBe(ref.strings.length);
  const col = (name: string): number => ref.nodeFields.indexOf(name);
  const mismatches: string[] = [];
  for (let i = 0; i < graph.nodeCount && mismatches.length < 5; i++) {
    const b = i * nf;
    const same =
      graph.nodeType[i] === ref.nodes[b + col("type")] &&
      graph.nodeName[i] === ref.nodes[b + col("name")] &&
      graph.nodeId[i] === ref.nodes[b + col("id")] &&
      graph.nodeSelfSize[i] === ref.nodes[b + col("self_size")] &&
      getEdgeCount(graph, i) === ref.nodes[b + col("edge_count")] &&
      graph.nodeDetachedness?.[i] === ref.nodes[b + col("detachedness")];
    if (!same) mismatches.push(`node ${i}`);
  }
  for (let e = 0; e < graph.edgeCount && mismatches.length < 5; e++) {
    const b = e * ef;
    const same = graph.edgeType[e] === ref.edges[b] && graph.edgeNameOrIndex[e] === ref.edges[b + 1] && (graph.edgeToNode[e] as number) * nf === ref.edges[b + 2];
    if (!same) mismatches.push(`edge ${e}`);
  }
  for (let s = 0; s < ref.strings.length && mismatches.length < 5; s++) {
    if (graph.strings.get(s) !== ref.strings[s]) mismatches.push(`string ${s}: ${JSON.stringify(ref.strings[s]).slice(0, 80)}`);
  }
  expect(mismatches).toEqual([]);
}

describe("streaming heap snapshot parser", () => {
  let dir: string;
  let file: string;
  let bytes: Buffer;
  let ref: ReferenceSnapshot;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-parse-"));
    file = path.join(dir, "small.heapsnapshot");
    execFileSync(process.execPath, [path.join(here, "test-programs/write-snapshot.mjs"), file]);
    bytes = readFileSync(file);
    ref = readSnapshotWithJsonParse(file);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a real snapshot exactly as JSON.parse does, escapes and non-ASCII strings included", async () => {
    const graph = await parseHeapSnapshotFile(file);
    expectSameAsReference(graph, ref);
    const texts = new Set(Array.from({ length: graph.strings.count }, (_, i) => graph.strings.get(i)));
    // The "#i" suffixes make cons strings: V8 lists their parts.
    expect(texts).toContain('say "hi"\\path\\to\tfile\nnext line\r\u0001\u001f');
    expect(texts).toContain("naïve café — ünïcödé ✓");
    // to_node offsets became node numbers; the first edge of node 0 leads to "(GC roots)".
    expect(graph.strings.get(graph.nodeName[graph.edgeToNode[0] as number] as number)).toBe("(GC roots)");
  });

  it("gives the same result whatever the chunk boundaries", () => {
    for (const size of [7, 1, 13, 4093]) {
      // Byte-sized chunks over the whole file are slow: take them over the first 300 KB only
      // by splitting that part finely and the rest coarsely.
      const head = size === 1 ? splitEvery(bytes.subarray(0, 300_000), 1) : splitEvery(bytes, size);
      const chunks = size === 1 ? [...head, ...splitEvery(bytes.subarray(300_000), 65_536)] : head;
      expectSameAsReference(parseHeapSnapshotChunks(chunks, file, bytes.length), ref);
    }
  });

  it("reads from the file in tiny 7-byte chunks", async () => {
    const tinyFile = path.join(dir, "tiny.heapsnapshot");
    const tiny = '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["property","element","weak"],"string_or_number","node"]},"node_count":3,"edge_count":3},\n"nodes":[0,0,1,0,2\n,1,1,3,16,1\n,1,2,5,24,0],\n"edges":[0,1,5,1,0,10\n,2,3,10],\n"strings":["","Th\\u00efng\\"s \\ud83d\\ude00","Other \\ud800!","w\\\\eak\\n\\/"]}';
    writeFileSync(tinyFile, tiny);
    const graph = await parseHeapSnapshotFile(tinyFile, { chunkSize: 7 });
    expect(graph.nodeCount).toBe(3);
    expect([...graph.edgeToNode]).toEqual([1, 2, 2]);
    expect([...graph.firstEdge]).toEqual([0, 2, 3, 3]);
    expect(graph.strings.get(1)).toBe('Thïng"s 😀');
    expect(graph.strings.get(2)).toBe("Other \ud800!");
    expect(graph.strings.get(3)).toBe("w\\eak\n/");
    expect([0, 1, 2, 3].map((i) => graph.strings.get(i))).toEqual(JSON.parse(tiny.slice(tiny.indexOf('"strings":') + 10, -1)));
    expect([...graph.nodeSelfSize]).toEqual([0, 16, 24]);
  });

  it("reports a truncated file with the byte where it ends and what was expected", async () => {
    const nodesAt = bytes.indexOf('"nodes"');
    const stringsAt = bytes.indexOf('"strings"');
    for (const cut of [nodesAt + 40, bytes.indexOf('"edges"') + 100, stringsAt + 50, bytes.length - 3]) {
      const cutFile = path.join(dir, `cut-${cut}.heapsnapshot`);
      writeFileSync(cutFile, bytes.subarray(0, cut));
      const error = await catchPerfError(parseHeapSnapshotFile(cutFile));
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.where).toEqual({ file: cutFile, byte: cut });
      expect(error.message).toMatch(/truncated/);
      expect(error.hint).toBeTruthy();
    }
    const inNodes = await catchPerfError(parseHeapSnapshotFile(path.join(dir, `cut-${nodesAt + 40}.heapsnapshot`)));
    expect(inNodes.message).toContain('"nodes" array');
  });

  it("points at a corrupt byte in the middle of the numbers", async () => {
    const at = bytes.indexOf('"edges"') + 30;
    const corrupt = Buffer.from(bytes);
    corrupt[at] = "x".charCodeAt(0);
    const corruptFile = path.join(dir, "corrupt.heapsnapshot");
    writeFileSync(corruptFile, corrupt);
    const error = await catchPerfError(parseHeapSnapshotFile(corruptFile));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.where?.byte).toBe(at);
    expect(error.message).toContain("found 'x'");
  });

  it("checks the counts in the header against the arrays", async () => {
    const text = bytes.toString("latin1").replace(/"node_count":(\d+)/, (_, n: string) => `"node_count":${Number(n) + 1}`);
    const wrongFile = path.join(dir, "wrong-count.heapsnapshot");
    writeFileSync(wrongFile, Buffer.from(text, "latin1"));
    const error = await catchPerfError(parseHeapSnapshotFile(wrongFile));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toContain(`${ref.nodes.length / ref.nodeFields.length + 1} nodes (snapshot.node_count)`);
  });

  it("rejects what is not a heap snapshot at its first byte", async () => {
    const other = path.join(dir, "other.json");
    writeFileSync(other, "[1,2,3]");
    const error = await catchPerfError(parseHeapSnapshotFile(other));
    expect(error.where).toEqual({ file: other, byte: 0 });
    expect(error.message).toContain("expected '{'");
  });
});
