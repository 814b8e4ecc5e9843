/**
 * Finds where JSON text breaks and what was expected there. JSON.parse only sometimes says
 * where (and never what a truncated file was missing), and a user with a 200 MB profile needs
 * the line and byte. Runs only after JSON.parse has failed; iterative so deep nesting is fine.
 */
export interface JsonErrorLocation {
  /** Character offset of the problem (text length for a truncated file). */
  offset: number;
  line: number;
  /** Byte offset in the UTF-8 file. */
  byte: number;
  expected: string;
  found: string;
}

const WS = new Set([32, 9, 10, 13]);

function scanString(text: string, i: number): number {
  // i is at the opening quote; returns the index after the closing quote, or -1 if unterminated.
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
    else if (c < 32) return -j - 2;
  }
  return -1;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Returns the first syntax error, or null when the text is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  const stack: Array<"{" | "["> = [];
  // What the grammar wants next.
  let want: "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end" = "value";
  let i = 0;
  const fail = (offset: number, expected: string): JsonErrorLocation => {
    const before = text.slice(0, offset);
    let line = 1;
    for (let k = before.indexOf("\n"); k >= 0; k = before.indexOf("\n", k + 1)) line++;
    const found = offset >= text.length ? "end of file" : JSON.stringify(text.slice(offset, offset + 12));
    return { offset, line, byte: Buffer.byteLength(before, "utf8"), expected, found };
  };
  for (;;) {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
    const ch = text[i];
    if (want === "end") return ch === undefined ? null : fail(i, "end of file after the top-level value");
    const closer = stack[stack.length - 1] === "{" ? "}" : "]";
    if (want === "comma-or-close") {
      if (ch === ",") {
        want = stack[stack.length - 1] === "{" ? "key" : "value";
        i++;
      } else if (ch === closer) {
        stack.pop();
        i++;
        want = stack.length === 0 ? "end" : "comma-or-close";
      } else return fail(i, `',' or '${closer}'`);
      continue;
    }
    if (want === "colon") {
      if (ch !== ":") return fail(i, "':' after an object key");
      i++;
      want = "value";
      continue;
    }
    if (want === "key" || want === "key-or-close") {
      if (want === "key-or-close" && ch === "}") {
        stack.pop();
        i++;
        want = stack.length === 0 ? "end" : "comma-or-close";
        continue;
      }
      if (ch !== '"') return fail(i, want === "key" ? "a double-quoted property name" : "a property name or '}'");
      const end = scanString(text, i);
      if (end < 0) return fail(end === -1 ? text.length : -end - 2, "the end of a string");
      i = end;
      want = "colon";
      continue;
    }
    // A value (possibly the closing bracket of an empty array).
    if (want === "value-or-close" && ch === "]") {
      stack.pop();
      i++;
      want = stack.length === 0 ? "end" : "comma-or-close";
      continue;
    }
    if (ch === "{" || ch === "[") {
      stack.push(ch);
      i++;
      want = ch === "{" ? "key-or-close" : "value-or-close";
      continue;
    }
    if (ch === '"') {
      const end = scanString(text, i);
      if (end < 0) return fail(end === -1 ? text.length : -end - 2, "the end of a string");
      i = end;
    } else if (ch !== undefined && text.startsWith("true", i)) i += 4;
    else if (ch !== undefined && text.startsWith("false", i)) i += 5;
    else if (ch !== undefined && text.startsWith("null", i)) i += 4;
    else {
      NUMBER_RE.lastIndex = i;
      if (ch === undefined || !NUMBER_RE.test(text)) return fail(i, "a value (object, array, string, number, true, false or null)");
      i = NUMBER_RE.lastIndex;
    }
    want = stack.length === 0 ? "end" : "comma-or-close";
  }
}
