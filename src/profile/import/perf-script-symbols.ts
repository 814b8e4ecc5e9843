import type { FrameInput } from "../builder.js";
import { parsePerfFrameText } from "./perf-script-frame.js";

// The symbol cache is only a shortcut; past this size it is dropped so memory stays bounded
// even for inputs with millions of distinct symbols.
const SYMBOL_CACHE_LIMIT = 500_000;

/** Cached frame ids per symbol text; one entry per DSO the symbol appeared in. */
interface SymbolEntry {
  id: number;
  /** The ` (dso)` tail as it appears on the line, or "" when there was none. */
  dso: string;
  next: SymbolEntry | undefined;
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Copies a string so a cache key does not pin the whole chunk it was sliced from. */
export function detachString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/**
 * Frames of a `perf script` file, interned by symbol: the same function appears on millions
 * of lines with different instruction offsets, so lines are looked up by their symbol text
 * without the `+0x…` offset, and a full parse happens once per distinct symbol and DSO.
 */
export class PerfSymbolTable {
  /** Frames seen so far, indexed by the ids `lookUp` returns. */
  readonly frames: FrameInput[] = [];
  private readonly byCanonical = new Map<string, number>();
  private bySymbol = new Map<string, SymbolEntry>();
  private symbolCount = 0;

  /** The frame id for `symbol+off (dso)` on `text[symStart, end)`, by symbol without its offset. */
  lookUp(text: string, symStart: number, end: number): number {
    // Look up by symbol without its `+0x…` offset (instruction addresses inside a function
    // vary from sample to sample, the function does not), then check the DSO in place.
    let dsoAt = end;
    if (text.charCodeAt(end - 1) === 41) {
      let open = end - 2;
      while (open > symStart && !(text.charCodeAt(open) === 40 && text.charCodeAt(open - 1) === 32)) open--;
      if (open > symStart) dsoAt = open - 1;
    }
    let symEnd = dsoAt;
    let h = symEnd - 1;
    while (h > symStart && isHex(text.charCodeAt(h))) h--;
    if (h < symEnd - 1 && h >= symStart + 2 && text.charCodeAt(h) === 120 && text.charCodeAt(h - 1) === 48 && text.charCodeAt(h - 2) === 43) symEnd = h - 2;
    const symbol = text.slice(symStart, symEnd);
    const dsoLength = end - dsoAt;
    for (let entry = this.bySymbol.get(symbol); entry !== undefined; entry = entry.next) {
      const dso = entry.dso;
      if (dso.length !== dsoLength) continue;
      let k = dsoLength - 1;
      while (k >= 0 && dso.charCodeAt(k) === text.charCodeAt(dsoAt + k)) k--;
      if (k < 0) return entry.id;
    }
    return this.intern(symbol, text.slice(symStart, end), text.slice(dsoAt, end));
  }

  private intern(symbol: string, raw: string, dso: string): number {
    const frame = parsePerfFrameText(raw);
    const key = `${frame.name}\u0000${frame.file ?? ""}\u0000${frame.line ?? ""}\u0000${frame.column ?? ""}`;
    let id = this.byCanonical.get(key);
    if (id === undefined) {
      id = this.frames.length;
      this.frames.push(frame);
      this.byCanonical.set(key, id);
    }
    if (this.symbolCount >= SYMBOL_CACHE_LIMIT) {
      this.bySymbol = new Map();
      this.symbolCount = 0;
    }
    const owned = detachString(symbol);
    this.bySymbol.set(owned, { id, dso: detachString(dso), next: this.bySymbol.get(owned) });
    this.symbolCount++;
    return id;
  }
}
