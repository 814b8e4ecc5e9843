import type { StringTableView } from "./heap-graph.js";

/**
 * The snapshot's string table as one UTF-8 byte buffer plus an offset per string. Millions of
 * small JS strings cost ~20 bytes of header each and keep the GC busy; here a string costs its
 * bytes plus 4, and is decoded only when asked for (with a small cache for hot names).
 */
export class StringTable implements StringTableView {
  private bytes: Buffer;
  private used = 0;
  private offsets: Uint32Array;
  private n = 0;
  private readonly cache = new Map<number, string>();
  /** Strings whose escapes held a lone UTF-16 surrogate: UTF-8 cannot carry them, keep them as is. */
  private readonly odd = new Map<number, string>();

  /** `capacityHint`: an upper bound on the bytes (the rest of the file), so the buffer never grows. */
  constructor(capacityHint: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(1024, capacityHint));
    this.offsets = new Uint32Array(1024);
  }

  get count(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.used;
  }

  /** Appends raw bytes to the string being built. */
  appendBytes(source: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) return;
    this.reserve(length);
    source.copy(this.bytes, this.used, start, end);
    this.used += length;
  }

  /** Appends one Unicode code point (from a JSON escape) as UTF-8. */
  appendCodePoint(cp: number): void {
    this.reserve(4);
    const b = this.bytes;
    let u = this.used;
    if (cp < 0x80) b[u++] = cp;
    else if (cp < 0x800) {
      b[u++] = 0xc0 | (cp >> 6);
      b[u++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      b[u++] = 0xe0 | (cp >> 12);
      b[u++] = 0x80 | ((cp >> 6) & 0x3f);
      b[u++] = 0x80 | (cp & 0x3f);
    } else {
      b[u++] = 0xf0 | (cp >> 18);
      b[u++] = 0x80 | ((cp >> 12) & 0x3f);
      b[u++] = 0x80 | ((cp >> 6) & 0x3f);
      b[u++] = 0x80 | (cp & 0x3f);
    }
    this.used = u;
  }

  /** Ends the current string. `exact` is set when it held lone surrogates (see `odd`). */
  endString(exact?: string): void {
    if (this.n + 1 >= this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (exact !== undefined) this.odd.set(this.n, exact);
    this.n++;
    this.offsets[this.n] = this.used;
  }

  /** The string being built, decoded so that surrogates written by appendCodePoint survive. */
  decodeCurrentExact(): string {
    return decodeWtf8(this.bytes.subarray(this.offsets[this.n] ?? 0, this.used));
  }

  get(index: number): string {
    if (index < 0 || index >= this.n) return "";
    const odd = this.odd.get(index);
    if (odd !== undefined) return odd;
    const start = this.offsets[index] ?? 0;
    const end = this.offsets[index + 1] ?? start;
    if (end - start < 64) {
      const hit = this.cache.get(index);
      if (hit !== undefined) return hit;
      const text = this.bytes.toString("utf8", start, end);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(index, text);
      return text;
    }
    return this.bytes.toString("utf8", start, end);
  }

  /**
   * Gives back the unused tail of the offsets once the table is complete. The byte buffer is
   * left as is: its untouched tail was never written, so the OS never committed those pages.
   */
  trim(): void {
    if (this.offsets.length > this.n + 1) this.offsets = this.offsets.slice(0, this.n + 1);
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    // Only when the hint was too small (strings not last in the file): grow by half.
    const grown = Buffer.allocUnsafe(Math.max(this.used + extra, Math.floor(this.bytes.length * 1.5)));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** UTF-8 decoding that also accepts encoded surrogates (WTF-8), which TextDecoder would replace. */
function decodeWtf8(bytes: Buffer): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 0x1f) << 6) | ((bytes[i + 1] ?? 0) & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 0x0f) << 12) | (((bytes[i + 1] ?? 0) & 0x3f) << 6) | ((bytes[i + 2] ?? 0) & 0x3f);
      i += 3;
    } else {
      cp = ((b & 0x07) << 18) | (((bytes[i + 1] ?? 0) & 0x3f) << 12) | (((bytes[i + 2] ?? 0) & 0x3f) << 6) | ((bytes[i + 3] ?? 0) & 0x3f);
      i += 4;
    }
    out += cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
  }
  return out;
}
