import { PerfError } from "../../core/errors.js";
import { buildHeapGraph, type SectionEnds } from "./build-heap-graph.js";
import type { HeapGraph } from "./heap-graph.js";
import { CLOSE_BRACE, COLON, COMMA, OPEN_BRACE, QUOTE, NumberTableScanner, ValueSkipper, describeByte, isJsonSpace, type Column } from "./json-scan.js";
import { readSnapshotLayout, type SnapshotLayout } from "./snapshot-meta.js";
import { StringArrayScanner } from "./string-array-scan.js";
import { StringTable } from "./string-table.js";

const EXPECT_OBJECT = 0;
const FIRST_KEY = 1; // after '{': a key or '}'
const IN_KEY = 2;
const EXPECT_COLON = 3;
const IN_VALUE = 4;
const AFTER_VALUE = 5; // ',' or '}'
const NEXT_KEY = 6; // after ','
const FINISHED = 7;

type Section = NumberTableScanner | ValueSkipper | StringArrayScanner;

const U32 = 0xffffffff;

/**
 * The top level of a .heapsnapshot file: `{"snapshot": {...}, "nodes": [...], "edges": [...],
 * ..., "strings": [...]}`. Reads keys itself and hands each value to the scanner for its kind.
 * Feed it chunks in order with `feed`, then call `finish`.
 */
export class SnapshotReader {
  private state = EXPECT_OBJECT;
  private base = 0;
  private key: number[] = [];
  private keyName = "";
  private section: Section | null = null;
  private layout: SnapshotLayout | null = null;
  private nodes: NumberTableScanner | null = null;
  private edges: NumberTableScanner | null = null;
  private functionInfos: NumberTableScanner | null = null;
  private traceTree: NumberTableScanner | null = null;
  private strings: StringTable | null = null;
  private readonly ends: SectionEnds = { nodes: 0, edges: 0, strings: 0 };
  private readonly failAt = (byte: number, what: string): never => {
    throw new PerfError("MALFORMED_INPUT", `not a valid V8 heap snapshot: at byte ${byte}, expected ${what}`, {
      where: { file: this.source, byte },
      hint: "the file must be a complete .heapsnapshot (JSON) as written by V8/DevTools; if it was cut short (disk full, process killed while writing), take the snapshot again",
    });
  };

  /** `sizeHint`: the file size, used to size the string table once (0 if unknown). */
  constructor(
    private readonly source: string,
    private readonly sizeHint = 0,
  ) {}

  get bytesRead(): number {
    return this.base;
  }

  feed(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.state === IN_VALUE) {
        const section = this.section as Section;
        pos = section.scan(chunk, pos, this.base);
        if (section.done) this.endValue(section);
        continue;
      }
      const c = chunk[pos] as number;
      const byte = this.base + pos;
      pos++;
      if (this.state === IN_KEY) {
        if (c === QUOTE) {
          this.keyName = Buffer.from(this.key).toString("utf8");
          this.state = EXPECT_COLON;
        } else if (this.key.length < 256) this.key.push(c);
        else this.failAt(byte, "the end of a top-level key (keys are short names like \"nodes\")");
        continue;
      }
      if (isJsonSpace(c)) continue;
      switch (this.state) {
        case EXPECT_OBJECT:
          if (c !== OPEN_BRACE) this.failAt(byte, `'{' (a heap snapshot is a JSON object), found ${describeByte(c)}`);
          this.state = FIRST_KEY;
          break;
        case FIRST_KEY:
        case NEXT_KEY:
          if (c === QUOTE) {
            this.key = [];
            this.state = IN_KEY;
          } else if (c === CLOSE_BRACE && this.state === FIRST_KEY) this.state = FINISHED;
          else this.failAt(byte, `a key string at the top level of the snapshot, found ${describeByte(c)}`);
          break;
        case EXPECT_COLON:
          if (c !== COLON) this.failAt(byte, `':' after the key "${this.keyName}", found ${describeByte(c)}`);
          this.section = this.openSection(this.keyName, byte);
          this.state = IN_VALUE;
          break;
        case AFTER_VALUE:
          if (c === COMMA) this.state = NEXT_KEY;
          else if (c === CLOSE_BRACE) this.state = FINISHED;
          else this.failAt(byte, `',' or '}' after the "${this.keyName}" value, found ${describeByte(c)}`);
          break;
        default:
          this.failAt(byte, `nothing after the end of the snapshot object, found ${describeByte(c)}`);
      }
    }
    this.base += end;
  }

  finish(): HeapGraph {
    const byte = this.base;
    if (this.state !== FINISHED) this.failAt(byte, `${this.describeWait()}, but the file ends there (truncated?)`);
    if (!this.layout || !this.nodes || !this.edges) this.failAt(byte, `the "snapshot", "nodes" and "edges" sections, but ${this.missing()} missing`);
    return buildHeapGraph({
      source: this.source,
      layout: this.layout as SnapshotLayout,
      nodes: this.nodes as NumberTableScanner,
      edges: this.edges as NumberTableScanner,
      strings: this.strings ?? new StringTable(0),
      functionInfos: this.functionInfos,
      traceTree: this.traceTree,
      ends: this.ends,
      failAt: this.failAt,
    });
  }

  private missing(): string {
    const names = [!this.layout && '"snapshot"', !this.nodes && '"nodes"', !this.edges && '"edges"'].filter(Boolean);
    return `${names.join(", ")} ${names.length === 1 ? "is" : "are"}`;
  }

  private describeWait(): string {
    if (this.state === IN_VALUE && this.section) return this.section.describeWait();
    if (this.state === EXPECT_OBJECT) return "'{' (the file is empty)";
    if (this.state === IN_KEY) return "the end of a top-level key";
    if (this.state === EXPECT_COLON) return `':' after "${this.keyName}"`;
    return "the next section or the closing '}' of the snapshot";
  }

  private endValue(section: Section): void {
    if (section instanceof ValueSkipper && this.keyName === "snapshot") {
      const layout = readSnapshotLayout(section.text());
      if (typeof layout === "string") this.failAt(this.base, layout);
      this.layout = layout as SnapshotLayout;
    }
    if (this.keyName === "nodes") this.ends.nodes = this.base;
    if (this.keyName === "edges") this.ends.edges = this.base;
    if (this.keyName === "strings") this.ends.strings = this.base;
    this.section = null;
    this.state = AFTER_VALUE;
  }

  private openSection(key: string, byte: number): Section {
    if (key === "snapshot") return new ValueSkipper(key, this.failAt, 64 << 20);
    const layout = this.layout;
    const needsLayout = key === "nodes" || key === "edges" || key === "trace_function_infos" || key === "trace_tree";
    if (needsLayout && !layout) this.failAt(byte, `the "snapshot" header (with meta) before "${key}"`);
    if (key === "strings") {
      this.strings = new StringTable(this.sizeHint > byte ? this.sizeHint - byte : 1 << 20);
      return new StringArrayScanner(this.strings, this.failAt);
    }
    if (layout && key === "nodes") return (this.nodes = this.openNodes(layout));
    if (layout && key === "edges") return (this.edges = this.openEdges(layout));
    if (layout && key === "trace_function_infos" && layout.traceFunctionInfoFields.length > 0) {
      return (this.functionInfos = this.openTable(key, layout.traceFunctionInfoFields, layout.traceFunctionCount, { name: Uint32Array, script_name: Uint32Array, line: Int32Array, column: Int32Array }, {}));
    }
    const fields = layout?.traceNodeFields ?? [];
    if (key === "trace_tree" && fields[fields.length - 1] === "children") {
      // Children are nested arrays of the same rows: with them flattened, a row is the scalars.
      return (this.traceTree = this.openTable(key, fields.slice(0, -1), null, { id: Uint32Array, function_info_index: Uint32Array }, {}, true));
    }
    return new ValueSkipper(key, this.failAt);
  }

  private openNodes(layout: SnapshotLayout): NumberTableScanner {
    const kinds: Record<string, new (n: number) => Column> = { type: Uint8Array, name: Uint32Array, id: Uint32Array, self_size: Float64Array, edge_count: Uint32Array, detachedness: Uint8Array };
    // Trace ids are all 0 unless allocations were tracked (then the header counts functions).
    if (layout.traceFunctionCount !== 0) kinds.trace_node_id = Uint32Array;
    return this.openTable("nodes", layout.nodeFields, layout.nodeCount, kinds, { type: layout.nodeTypes.length - 1, detachedness: 255 }, false, 1);
  }

  private openEdges(layout: SnapshotLayout): NumberTableScanner {
    const kinds = { type: Uint8Array, name_or_index: Uint32Array, to_node: Uint32Array };
    return this.openTable("edges", layout.edgeFields, layout.edgeCount, kinds, { type: layout.edgeTypes.length - 1 });
  }

  private openTable(
    label: string,
    fields: string[],
    rows: number | null,
    kinds: Record<string, new (n: number) => Column>,
    limits: Record<string, number>,
    nested = false,
    spare = 0,
  ): NumberTableScanner {
    // `spare`: room for one more row, so edge_count can become firstEdge (n + 1 entries) in place.
    const capacity = Math.max((rows ?? 0) + spare, 1024);
    const columns = fields.map((f) => {
      const Kind = kinds[f];
      return Kind ? new Kind(capacity) : null;
    });
    const columnLimits = fields.map((f, i) => limits[f] ?? limitOf(columns[i] ?? null));
    return new NumberTableScanner(label, fields.length, columns, columnLimits, this.failAt, nested);
  }
}

function limitOf(column: Column | null): number {
  if (column instanceof Uint32Array) return U32;
  if (column instanceof Int32Array) return 0x7fffffff;
  if (column instanceof Uint8Array) return 255;
  return Number.MAX_SAFE_INTEGER;
}
