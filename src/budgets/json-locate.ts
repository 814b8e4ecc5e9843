/**
 * A small JSON parser that remembers where every key and element starts, so validation
 * errors can name the line of the offending key, and syntax errors the line and column
 * (Node 20's JSON.parse messages often carry neither).
 */
import { PerfError } from "../core/errors.js";

export interface JsonPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  offset: number;
}

export type JsonPath = ReadonlyArray<string | number>;

export interface LocatedJson {
  value: unknown;
  /** Where the key (object member) or element (array item) at `path` starts; the nearest located ancestor otherwise. */
  locate(path: JsonPath): JsonPosition | undefined;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonWithLocations(text: string, file?: string): LocatedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const positionOf = (offset: number): JsonPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1, offset };
  };
  const locations = new Map<string, number>();
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (expected: string): never => {
    const p = positionOf(pos);
    const found = pos >= text.length ? "the end of the file" : JSON.stringify(text.slice(pos, pos + 12));
    throw new PerfError("MALFORMED_INPUT", `Invalid JSON${file !== undefined ? ` in ${file}` : ""} at line ${p.line}, column ${p.column}: expected ${expected}, found ${found}.`, {
      where: { ...(file !== undefined ? { file } : {}), line: p.line, byte: pos },
      hint: "Fix the JSON syntax there (a missing comma or quote, or a trailing comma, is the usual cause).",
    });
  };
  const skipSpace = () => {
    while (pos < text.length && " \t\n\r".includes(text[pos]!)) pos++;
  };
  const readString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') {
      if (text.charCodeAt(pos) < 0x20) fail("a closing quote (strings cannot span lines)");
      pos += text[pos] === "\\" ? 2 : 1;
    }
    if (pos >= text.length) fail("a closing quote");
    pos++;
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      pos = start;
      return fail("a string with valid escapes");
    }
  };
  const readValue = (path: Array<string | number>): unknown => {
    skipSpace();
    const ch = text[pos];
    if (ch === "{") return readObject(path);
    if (ch === "[") return readArray(path);
    if (ch === '"') return readString();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m) {
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail("a value (object, array, string, number, true, false or null)");
  };
  const readObject = (path: Array<string | number>): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    pos++;
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return result;
    }
    while (true) {
      skipSpace();
      if (text[pos] !== '"') fail('a quoted key');
      const keyOffset = pos;
      const key = readString();
      const childPath = [...path, key];
      locations.set(JSON.stringify(childPath), keyOffset);
      skipSpace();
      if (text[pos] !== ":") fail('":" after the key');
      pos++;
      // defineProperty: a "__proto__" key must stay a plain property, as with JSON.parse.
      Object.defineProperty(result, key, { value: readValue(childPath), enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "}") {
        pos++;
        return result;
      }
      fail('"," or "}"');
    }
  };
  const readArray = (path: Array<string | number>): unknown[] => {
    const result: unknown[] = [];
    pos++;
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return result;
    }
    while (true) {
      skipSpace();
      locations.set(JSON.stringify([...path, result.length]), pos);
      result.push(readValue([...path, result.length]));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "]") {
        pos++;
        return result;
      }
      fail('"," or "]"');
    }
  };

  skipSpace();
  locations.set("[]", pos);
  const value = readValue([]);
  skipSpace();
  if (pos < text.length) fail("the end of the file after the top-level value");
  return {
    value,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const offset = locations.get(JSON.stringify(path.slice(0, n)));
        if (offset !== undefined) return positionOf(offset);
      }
      return undefined;
    },
  };
}
