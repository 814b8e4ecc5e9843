import { PerfError } from "../../core/errors.js";
import type { FrameInput } from "../builder.js";
import { CallerBlockCache } from "./perf-script-blocks.js";
import { parsePerfHeader, type PerfSampleHeader } from "./perf-script-header.js";
import { detachString, isHex, PerfSymbolTable } from "./perf-script-symbols.js";

/** Receives each sample: its header and its frames as parser frame ids, LEAF FIRST. */
export type PerfSampleSink = (header: PerfSampleHeader, stack: readonly number[], depth: number) => void;

/** Distinct call-chain lines remembered; past this the line cache starts over (bounded memory). */
const LINE_CACHE_LIMIT = 1 << 17;

/**
 * Incremental `perf script` reader: feed it text chunks of any size, it cuts lines, parses
 * sample headers and call-chain lines, interns frames, and hands each finished sample to the
 * sink. Memory: one partial line plus the frame tables, never the input.
 */
export class PerfScriptLineReader {
  /** Frames seen so far, indexed by the ids the sink receives. */
  readonly frames: FrameInput[];
  private readonly symbols = new PerfSymbolTable();
  // Whole call-chain lines, address included. A caller's line (address, symbol, return offset,
  // DSO) repeats verbatim in every sample through it, and is usually followed by the same
  // line as last time, so each line remembers its successor: checking that guess is one native
  // compare, with no hashing and no parsing. Misses fall back to a Map of the lines.
  private lineIndex = new Map<string, number>();
  private readonly lineText: string[] = [];
  private readonly lineFrame: number[] = [];
  private readonly lineNext: number[] = [];
  /** The successor before the last one: a caller reached from two call sites alternates. */
  private readonly lineNext2: number[] = [];
  /** The line entry just read in this sample, or -1. */
  private prevLine = -1;
  /**
   * Leaf lines carry the sampled instruction address, which differs almost every time, so
   * they skip the line cache (a miss and an insert per sample) and are looked up by symbol;
   * the line after a leaf is predicted from the leaf's frame instead (`leafNext`).
   */
  private atSampleStart = false;
  private leafFrame = -1;
  private leafNext: number[] = [];
  private leafNext2: number[] = [];
  private readonly blocks = new CallerBlockCache();
  /** Leaf frame and caller-line entries of the current sample, to remember its caller block. */
  private sampleLeaf = -1;
  private readonly sampleEntries: number[] = [];
  private sampleEntryCount = 0;
  private sampleCacheable = false;
  private readonly stack: number[] = [];
  private depth = 0;
  private header: PerfSampleHeader | null = null;
  private carry = "";
  private lineNo = 0;
  private sawSample = false;

  constructor(
    private readonly sink: PerfSampleSink,
    private readonly fileName: string,
  ) {
    this.frames = this.symbols.frames;
  }

  get linesRead(): number {
    return this.lineNo;
  }

  push(chunk: string): void {
    let pos = 0;
    if (this.carry.length > 0) {
      // Finish the line cut at the previous chunk's end on its own, so the big chunk below is
      // scanned as the flat string the decoder produced (a concatenation would be a rope).
      const nl = chunk.indexOf("\n");
      if (nl < 0) {
        this.carry += chunk;
        return;
      }
      const line = this.carry + chunk.slice(0, nl + 1);
      this.carry = "";
      this.scan(line, 0);
      pos = nl + 1;
    }
    const rest = this.scan(chunk, pos);
    this.carry = rest === chunk.length ? "" : chunk.slice(rest);
  }

  /** Reads every complete line of `text` from `pos`; returns where the unfinished line starts. */
  private scan(text: string, pos: number): number {
    for (;;) {
      const nl = text.indexOf("\n", pos);
      if (nl < 0) return pos;
      this.lineNo++;
      const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.readLine(text, pos, end);
      pos = nl + 1;
      // Right after a leaf: try to take all its caller lines at once.
      if (this.leafFrame >= 0 && this.prevLine < 0) pos = this.readCallerBlock(text, pos);
    }
  }

  /** Flushes the last line (files need not end with a newline) and the last sample. */
  end(): void {
    if (this.carry.length > 0) {
      this.lineNo++;
      const text = this.carry;
      this.carry = "";
      const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
      this.readLine(text, 0, end);
    }
    this.finishSample();
  }

  private readLine(text: string, start: number, end: number): void {
    if (start === end) {
      this.finishSample();
      return;
    }
    const c = text.charCodeAt(start);
    if (c === 9 || c === 32) {
      if (this.header !== null) {
        if (this.atSampleStart) {
          this.readLeafLine(text, start, end);
          return;
        }
        const prev = this.prevLine;
        const leaf = this.leafFrame;
        const next = prev >= 0 ? this.lineNext[prev]! : leaf >= 0 ? (this.leafNext[leaf] ?? -1) : -1;
        if (next >= 0 && this.isLine(next, text, start, end)) {
          this.acceptLine(next);
          return;
        }
        const alt = prev >= 0 ? this.lineNext2[prev]! : leaf >= 0 ? (this.leafNext2[leaf] ?? -1) : -1;
        if (alt >= 0 && this.isLine(alt, text, start, end)) {
          this.rememberNext(alt);
          this.acceptLine(alt);
          return;
        }
        this.readCallLine(text, start, end);
        return;
      }
      this.readFrameLine(text, start, end);
      return;
    }
    if (c === 35) return; // '#' header comments from `perf script --header`
    this.finishSample();
    const line = text.slice(start, end);
    const header = parsePerfHeader(line);
    if (!header) {
      throw new PerfError("MALFORMED_INPUT", `Not a perf script sample header: "${line.slice(0, 120)}"`, {
        where: { file: this.fileName, line: this.lineNo },
        hint: 'Expected "comm pid/tid time: period event:" followed by tab-indented call-chain lines, as `perf script` prints them.',
      });
    }
    this.header = header;
    this.sawSample = true;
    this.prevLine = -1;
    this.leafFrame = -1;
    this.atSampleStart = true;
    if (header.inline !== undefined) this.pushFrame(header.inline, 0, header.inline.length);
  }

  private isLine(entry: number, text: string, start: number, end: number): boolean {
    const line = this.lineText[entry]!;
    // slice + === is a native memcmp; startsWith(line, start) compares far slower in V8.
    return line.length === end - start && text.slice(start, end) === line;
  }

  private acceptLine(entry: number): void {
    this.prevLine = entry;
    this.leafFrame = -1;
    this.stack[this.depth++] = this.lineFrame[entry]!;
    this.sampleEntries[this.sampleEntryCount++] = entry;
  }

  /** Takes the remembered caller lines of the current leaf if the text repeats them. */
  private readCallerBlock(text: string, pos: number): number {
    const block = this.blocks.match(this.leafFrame, text, pos);
    if (block === undefined) return pos;
    const entries = block.entries;
    for (let i = 0; i < entries.length; i++) this.acceptLine(entries[i]!);
    this.lineNo += entries.length;
    return pos + block.text.length + 1;
  }

  /** Makes `entry` the first guess after the current line (or leaf), keeping the old one second. */
  private rememberNext(entry: number): void {
    const prev = this.prevLine;
    if (prev >= 0) {
      const first = this.lineNext[prev]!;
      if (first !== entry) {
        this.lineNext2[prev] = first;
        this.lineNext[prev] = entry;
      }
    } else if (this.leafFrame >= 0) {
      const first = this.leafNext[this.leafFrame] ?? -1;
      if (first !== entry) {
        this.leafNext2[this.leafFrame] = first;
        this.leafNext[this.leafFrame] = entry;
      }
    }
  }

  /** The first call-chain line of a sample: interned by symbol, not cached as a line. */
  private readLeafLine(text: string, start: number, end: number): void {
    this.atSampleStart = false;
    const depth = this.depth;
    this.readFrameLine(text, start, end);
    if (this.depth > depth) {
      this.leafFrame = this.sampleLeaf = this.stack[depth]!;
      this.sampleEntryCount = 0;
      this.sampleCacheable = true;
    }
  }

  /** A call-chain line of the current sample that was not the predicted one. */
  private readCallLine(text: string, start: number, end: number): void {
    const key = text.slice(start, end);
    let entry = this.lineIndex.get(key);
    if (entry === undefined) {
      const depth = this.depth;
      this.readFrameLine(text, start, end);
      // A whitespace-only line ends the sample instead of adding a frame: not cacheable.
      if (this.depth === depth) return;
      if (this.lineText.length >= LINE_CACHE_LIMIT) {
        this.lineIndex = new Map();
        this.lineText.length = this.lineFrame.length = this.lineNext.length = this.lineNext2.length = 0;
        this.leafNext = [];
        this.leafNext2 = [];
        this.blocks.clear();
        this.sampleCacheable = false;
        this.prevLine = -1;
        this.leafFrame = -1;
      }
      entry = this.lineText.length;
      this.lineText.push(detachString(key));
      this.lineFrame.push(this.stack[depth]!);
      this.lineNext.push(-1);
      this.lineNext2.push(-1);
      this.lineIndex.set(this.lineText[entry]!, entry);
    } else {
      this.stack[this.depth++] = this.lineFrame[entry]!;
    }
    this.rememberNext(entry);
    this.sampleEntries[this.sampleEntryCount++] = entry;
    this.prevLine = entry;
    this.leafFrame = -1;
  }

  private readFrameLine(text: string, start: number, end: number): void {
    let i = start;
    while (i < end && (text.charCodeAt(i) === 9 || text.charCodeAt(i) === 32)) i++;
    if (i === end) {
      this.finishSample();
      return;
    }
    if (this.header === null) {
      if (!this.sawSample && this.lineNo <= 1) {
        throw new PerfError("MALFORMED_INPUT", "A call-chain line comes before any sample header", {
          where: { file: this.fileName, line: this.lineNo },
          hint: "The input should start with a sample header line (perf script output); was the file cut at the start?",
        });
      }
      // A stray indented line after a sample's blank separator: perf prints none, skip it.
      return;
    }
    this.pushFrame(text, i, end);
  }

  /** Interns the frame on `text[start, end)`: `address symbol+off (dso)` or a bare symbol. */
  private pushFrame(text: string, start: number, end: number): void {
    let i = start;
    while (i < end && isHex(text.charCodeAt(i))) i++;
    let symStart = start;
    if (i > start && (i === end || text.charCodeAt(i) === 32)) {
      symStart = i;
      while (symStart < end && text.charCodeAt(symStart) === 32) symStart++;
    }
    this.stack[this.depth++] = this.symbols.lookUp(text, symStart, end);
  }

  private finishSample(): void {
    const header = this.header;
    if (header === null) return;
    this.header = null;
    if (this.sampleCacheable && this.sampleEntryCount > 0) this.blocks.remember(this.sampleLeaf, this.sampleEntries, this.sampleEntryCount, this.lineText);
    this.sampleCacheable = false;
    this.sampleLeaf = -1;
    const depth = this.depth;
    this.depth = 0;
    this.sink(header, this.stack, depth);
  }
}
