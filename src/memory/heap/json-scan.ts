/**
 * Byte-level scanners for the parts of a .heapsnapshot file, fed one chunk at a time. Each
 * keeps its state between chunks, so a token may be split anywhere (even inside a number or
 * an escape). `scan(chunk, pos, base)` consumes from `pos` and returns where it stopped:
 * the end of the chunk, or just after the value once `done` is set.
 */

/** Throws the parse error for absolute byte offset `byte`; `what` says what was expected. */
export type FailAt = (byte: number, what: string) => never;

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const COLON = 0x3a;

export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** "'x'" for a printable byte, "byte 0x07" otherwise: for messages. */
export function describeByte(c: number | undefined): string {
  if (c === undefined) return "the end of the file";
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`;
}

export type Column = Uint8Array | Uint32Array | Float64Array | Int32Array;

const EXPECT_OPEN = 0;
const FIRST_VALUE = 1; // after '[': a value or ']'
const IN_NUMBER = 2;
const AFTER_VALUE = 3; // ',' or ']'
const NEXT_VALUE = 4; // after ',': a value

/**
 * An array of non-negative integers read as rows of `fieldCount` columns, each written straight
 * into its own typed array (null: not kept). With `nested`, inner brackets are ignored, which
 * flattens V8's trace tree ([id, fn, count, size, [children...]]) into rows of its scalars.
 */
export class NumberTableScanner {
  done = false;
  rows = 0;
  private state = EXPECT_OPEN;
  private value = 0;
  private col = 0;
  private depth = 0;

  constructor(
    readonly label: string,
    private readonly fieldCount: number,
    readonly columns: Array<Column | null>,
    /** Largest value accepted per column (type codes must index the type list). */
    private readonly limits: number[],
    private readonly fail: FailAt,
    private readonly nested = false,
  ) {}

  /** Numbers read so far (for messages). */
  get count(): number {
    return this.rows * this.fieldCount + this.col;
  }

  scan(chunk: Buffer, start: number, base: number): number {
    let pos = start;
    let state = this.state;
    let value = this.value;
    const end = chunk.length;
    while (pos < end) {
      const c = chunk[pos] as number;
      if (state === IN_NUMBER) {
        if (c >= 0x30 && c <= 0x39) {
          value = value * 10 + (c - 0x30);
          pos++;
          continue;
        }
        this.store(value, base + pos);
        value = 0;
        state = AFTER_VALUE;
      }
      if (c >= 0x30 && c <= 0x39) {
        if (state !== FIRST_VALUE && state !== NEXT_VALUE) this.fail(base + pos, this.expected(state, c));
        value = c - 0x30;
        state = IN_NUMBER;
      } else if (c === COMMA) {
        if (state !== AFTER_VALUE) this.fail(base + pos, this.expected(state, c));
        state = NEXT_VALUE;
      } else if (c === CLOSE_BRACKET) {
        if (state !== AFTER_VALUE && state !== FIRST_VALUE) this.fail(base + pos, this.expected(state, c));
        if (--this.depth === 0) {
          this.finishRows(base + pos);
          this.done = true;
          this.state = state;
          return pos + 1;
        }
        state = AFTER_VALUE;
      } else if (c === OPEN_BRACKET) {
        const ok = state === EXPECT_OPEN || (this.nested && (state === FIRST_VALUE || state === NEXT_VALUE));
        if (!ok) this.fail(base + pos, this.expected(state, c));
        this.depth++;
        state = FIRST_VALUE;
      } else if (!isJsonSpace(c)) {
        this.fail(base + pos, this.expected(state, c));
      }
      pos++;
    }
    this.state = state;
    this.value = value;
    return pos;
  }

  /** What the scanner still waits for, when the file ends early. */
  describeWait(): string {
    return this.state === EXPECT_OPEN ? `the '[' of the "${this.label}" array` : `more of the "${this.label}" array (after ${this.count} numbers) and its closing ']'`;
  }

  private store(value: number, byte: number): void {
    const col = this.col;
    if (value > (this.limits[col] ?? Number.MAX_SAFE_INTEGER)) {
      this.fail(byte, `a value of at most ${this.limits[col] ?? Number.MAX_SAFE_INTEGER} in column ${col} of the "${this.label}" array, found ${value}`);
    }
    const column = this.columns[col];
    if (column) {
      if (this.rows >= column.length) this.growColumns();
      (this.columns[col] as Column)[this.rows] = value;
    }
    if (++this.col === this.fieldCount) {
      this.col = 0;
      this.rows++;
    }
  }

  private growColumns(): void {
    for (let i = 0; i < this.columns.length; i++) {
      const old = this.columns[i];
      if (!old) continue;
      const ctor = old.constructor as new (n: number) => Column;
      const grown = new ctor(Math.max(1024, old.length * 2));
      grown.set(old);
      this.columns[i] = grown;
    }
  }

  private finishRows(byte: number): void {
    if (this.col !== 0) {
      this.fail(byte, `a multiple of ${this.fieldCount} numbers in the "${this.label}" array (one row per entry), found ${this.count}`);
    }
  }

  private expected(state: number, c: number): string {
    const found = describeByte(c);
    if (state === EXPECT_OPEN) return `'[' to open the "${this.label}" array, found ${found}`;
    if (state === FIRST_VALUE) return `a number or ']' in the "${this.label}" array, found ${found}`;
    if (state === NEXT_VALUE) return `a number after ',' in the "${this.label}" array, found ${found}`;
    return `',' or ']' after number ${this.count} of the "${this.label}" array, found ${found}`;
  }
}

/**
 * Skips one JSON value of any kind, tracking strings and nesting; with `capture`, keeps its
 * bytes (used for the small "snapshot" header, which is then JSON.parse'd on its own).
 */
export class ValueSkipper {
  done = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private scalar = false;
  private readonly parts: Buffer[] = [];
  private captured = 0;

  constructor(
    readonly label: string,
    private readonly fail: FailAt,
    private readonly captureLimit = 0,
  ) {}

  text(): string {
    return Buffer.concat(this.parts).toString("utf8");
  }

  scan(chunk: Buffer, start: number, base: number): number {
    let pos = start;
    const end = chunk.length;
    while (pos < end && !this.done) {
      const c = chunk[pos] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) this.done = true;
        }
      } else if (!this.started) {
        if (isJsonSpace(c)) {
          pos++;
          continue;
        }
        this.started = true;
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACKET || c === OPEN_BRACE) this.depth = 1;
        else if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) this.fail(base + pos, `a value for "${this.label}", found ${describeByte(c)}`);
        else this.scalar = true;
      } else if (this.scalar) {
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isJsonSpace(c)) {
          this.done = true;
          break;
        }
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACKET || c === OPEN_BRACE) this.depth++;
      else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        if (--this.depth === 0) this.done = true;
      }
      pos++;
    }
    if (this.captureLimit > 0) this.keep(chunk, start, pos, base);
    return pos;
  }

  describeWait(): string {
    return this.inString ? `the end of a string inside "${this.label}"` : `the rest of the "${this.label}" value`;
  }

  private keep(chunk: Buffer, start: number, pos: number, base: number): void {
    this.captured += pos - start;
    if (this.captured > this.captureLimit) this.fail(base + pos, `a "${this.label}" header of at most ${this.captureLimit} bytes (is this a heap snapshot?)`);
    this.parts.push(Buffer.from(chunk.subarray(start, pos)));
  }
}
