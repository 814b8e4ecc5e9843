import { describe, expect, it } from "vitest";
import { PerfError } from "../core/errors.js";
import { parseJsonWithLocations } from "./json-locate.js";

function catchError(fn: () => unknown): PerfError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PerfError) return error;
    throw error;
  }
  throw new Error("expected a PerfError");
}

describe("parseJsonWithLocations", () => {
  const text = ['{', '  "a": 1,', '  "list": [', '    { "k": "v" },', '    true', '  ],', '  "s": "x\\"y"', '}'].join("\n");

  it("parses like JSON.parse", () => {
    expect(parseJsonWithLocations(text).value).toEqual(JSON.parse(text));
    const samples = ['[]', '{}', '-1.5e3', '"\\u00e9\\n"', 'null', '[1, [2, [3]], {"x": {"y": false}}]'];
    for (const s of samples) expect(parseJsonWithLocations(s).value).toEqual(JSON.parse(s));
  });

  it("locates keys and array elements by line and column", () => {
    const located = parseJsonWithLocations(text);
    expect(located.locate(["a"])).toMatchObject({ line: 2, column: 3 });
    expect(located.locate(["list", 0])).toMatchObject({ line: 4, column: 5 });
    expect(located.locate(["list", 0, "k"])).toMatchObject({ line: 4, column: 7 });
    expect(located.locate(["list", 1])).toMatchObject({ line: 5 });
    expect(located.locate(["s"])).toMatchObject({ line: 7 });
    // A path that does not exist falls back to its nearest located ancestor.
    expect(located.locate(["list", 0, "missing"])).toMatchObject({ line: 4, column: 5 });
  });

  it("reports the line and column of a syntax error", () => {
    const broken = '{\n  "a": 1,\n  "b": ,\n}';
    const error = catchError(() => parseJsonWithLocations(broken, "x.json"));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toContain("line 3, column 8");
    expect(error.where).toMatchObject({ file: "x.json", line: 3 });
  });

  it("rejects a trailing comma, an unclosed string and trailing text", () => {
    expect(catchError(() => parseJsonWithLocations('{"a": 1,}')).message).toContain("column 9");
    expect(catchError(() => parseJsonWithLocations('{"a": "open\n}')).message).toContain("line 1");
    expect(catchError(() => parseJsonWithLocations("{} x")).message).toMatch(/end of the file/);
    expect(catchError(() => parseJsonWithLocations("")).message).toMatch(/expected a value/);
  });

  it("keeps a __proto__ key as plain data", () => {
    const value = parseJsonWithLocations('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((value as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
