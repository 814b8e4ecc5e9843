import { BACKSLASH, CLOSE_BRACKET, COMMA, OPEN_BRACKET, QUOTE, describeByte, isJsonSpace, type FailAt } from "./json-scan.js";
import type { StringTable } from "./string-table.js";

const EXPECT_OPEN = 0;
const FIRST_VALUE = 1; // after '[': a string or ']'
const IN_STRING = 2;
const ESCAPE = 3; // after a backslash
const HEX = 4; // inside \uXXXX
const AFTER_VALUE = 5; // ',' or ']'
const NEXT_VALUE = 6; // after ',': a string

const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/**
 * Reads the "strings" array straight into a StringTable, decoding JSON escapes itself so that
 * no string ever exists twice (as JSON text and as a value). Runs of plain bytes are copied in
 * one go; the per-byte path runs only around backslashes.
 */
export class StringArrayScanner {
  done = false;
  private state = EXPECT_OPEN;
  private hexValue = 0;
  private hexDigits = 0;
  /** A high surrogate from \uD8xx waiting for its low half. */
  private pendingHigh = 0;
  /** The current string held a lone surrogate: it is stored exactly, beside the UTF-8 bytes. */
  private hasLoneSurrogate = false;
  /** Next backslash in the current chunk (cached so plain chunks are searched once). */
  private backslashAt = -1;
  private backslashFrom = Number.MAX_SAFE_INTEGER;
  private chunk: Buffer | null = null;
  private chunkBase = -1;

  constructor(
    private readonly table: StringTable,
    private readonly fail: FailAt,
  ) {}

  scan(chunk: Buffer, start: number, base: number): number {
    // The caller may refill one buffer: a new offset means new contents.
    if (chunk !== this.chunk || base !== this.chunkBase) {
      this.chunk = chunk;
      this.chunkBase = base;
      this.backslashFrom = Number.MAX_SAFE_INTEGER;
    }
    let pos = start;
    const end = chunk.length;
    while (pos < end) {
      const state = this.state;
      if (state === IN_STRING) {
        pos = this.scanPlain(chunk, pos);
        continue;
      }
      const c = chunk[pos] as number;
      if (state === ESCAPE) this.readEscape(c, base + pos);
      else if (state === HEX) this.readHex(c, base + pos);
      else if (c === QUOTE) {
        if (state !== FIRST_VALUE && state !== NEXT_VALUE) this.fail(base + pos, this.expected(c));
        this.state = IN_STRING;
      } else if (c === COMMA) {
        if (state !== AFTER_VALUE) this.fail(base + pos, this.expected(c));
        this.state = NEXT_VALUE;
      } else if (c === CLOSE_BRACKET) {
        if (state !== AFTER_VALUE && state !== FIRST_VALUE) this.fail(base + pos, this.expected(c));
        this.done = true;
        this.table.trim();
        return pos + 1;
      } else if (c === OPEN_BRACKET && state === EXPECT_OPEN) this.state = FIRST_VALUE;
      else if (!isJsonSpace(c)) this.fail(base + pos, this.expected(c));
      pos++;
    }
    return pos;
  }

  describeWait(): string {
    if (this.state === EXPECT_OPEN) return `the '[' of the "strings" array`;
    const inside = this.state === IN_STRING || this.state === ESCAPE || this.state === HEX;
    return inside ? `the closing '"' of string ${this.table.count} in the "strings" array` : `more of the "strings" array (after ${this.table.count} strings) and its closing ']'`;
  }

  /** Copies plain bytes up to the next quote or backslash; returns the position after them. */
  private scanPlain(chunk: Buffer, pos: number): number {
    const end = chunk.length;
    let quote = chunk.indexOf(QUOTE, pos);
    if (quote === -1) quote = end;
    if (this.backslashFrom > pos || (this.backslashAt !== -1 && this.backslashAt < pos)) {
      this.backslashAt = chunk.indexOf(BACKSLASH, pos);
      this.backslashFrom = pos;
    }
    const backslash = this.backslashAt === -1 ? end : this.backslashAt;
    const stop = Math.min(quote, backslash);
    if (stop > pos) {
      if (this.pendingHigh !== 0) this.flushHigh();
      this.table.appendBytes(chunk, pos, stop);
    }
    if (stop === end) return end;
    if (stop === backslash) {
      this.state = ESCAPE;
      return stop + 1;
    }
    this.endString();
    return stop + 1;
  }

  private endString(): void {
    if (this.pendingHigh !== 0) this.flushHigh();
    this.table.endString(this.hasLoneSurrogate ? this.table.decodeCurrentExact() : undefined);
    this.hasLoneSurrogate = false;
    this.state = AFTER_VALUE;
  }

  private readEscape(c: number, byte: number): void {
    if (c === 0x75) {
      this.state = HEX;
      this.hexValue = 0;
      this.hexDigits = 0;
      return;
    }
    const decoded = SIMPLE_ESCAPES[c];
    if (decoded === undefined) this.fail(byte, `a JSON escape (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) in string ${this.table.count}, found \\${String.fromCharCode(c)}`);
    if (this.pendingHigh !== 0) this.flushHigh();
    this.table.appendCodePoint(decoded);
    this.state = IN_STRING;
  }

  private readHex(c: number, byte: number): void {
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else this.fail(byte, `a hex digit in a \\u escape of string ${this.table.count}, found ${describeByte(c)}`);
    this.hexValue = this.hexValue * 16 + digit;
    if (++this.hexDigits < 4) return;
    this.state = IN_STRING;
    const unit = this.hexValue;
    if (this.pendingHigh !== 0) {
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        this.table.appendCodePoint(0x10000 + ((this.pendingHigh - 0xd800) << 10) + (unit - 0xdc00));
        this.pendingHigh = 0;
        return;
      }
      this.flushHigh();
    }
    if (unit >= 0xd800 && unit <= 0xdbff) this.pendingHigh = unit;
    else {
      if (unit >= 0xdc00 && unit <= 0xdfff) this.hasLoneSurrogate = true;
      this.table.appendCodePoint(unit);
    }
  }

  /** A high surrogate not followed by a low one: keep it, and remember the string is odd. */
  private flushHigh(): void {
    this.table.appendCodePoint(this.pendingHigh);
    this.pendingHigh = 0;
    this.hasLoneSurrogate = true;
  }

  private expected(c: number): string {
    const found = describeByte(c);
    if (this.state === EXPECT_OPEN) return `'[' to open the "strings" array, found ${found}`;
    if (this.state === FIRST_VALUE) return `a string or ']' in the "strings" array, found ${found}`;
    if (this.state === NEXT_VALUE) return `a string after ',' in the "strings" array, found ${found}`;
    return `',' or ']' after string ${this.table.count - 1} of the "strings" array, found ${found}`;
  }
}
