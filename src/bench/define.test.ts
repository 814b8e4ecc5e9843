import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isPerfError } from "../core/errors.js";
import { bench, clearBenchDefinitions, listBenchDefinitions } from "./define.js";

const thisFile = fileURLToPath(import.meta.url);
const lineOf = (marker: string): number =>
  readFileSync(thisFile, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(marker) && !l.includes("lineOf(")) + 1;

afterEach(() => clearBenchDefinitions());

describe("bench()", () => {
  it("only records the benchmark, with where it was defined", () => {
    let calls = 0;
    const fn = (): number => ++calls;
    bench("counted", fn); // DEFINE-MARKER
    expect(calls).toBe(0);
    const [def] = listBenchDefinitions();
    expect(def?.name).toBe("counted");
    expect(def?.fn).toBe(fn);
    expect(def?.definedAt).toEqual({ file: thisFile, line: lineOf("DEFINE-MARKER") });
  });

  it("keeps the registry on globalThis, shared by every copy of the module", async () => {
    // A query string makes a second, separate instance of the module (as another installed copy would be).
    const copy = (await import(/* @vite-ignore */ `./define.js?copy=${Date.now()}`)) as typeof import("./define.js");
    expect(copy.bench).not.toBe(bench);
    copy.bench("from the copy", () => 1);
    bench("from this one", () => 2);
    expect(listBenchDefinitions().map((d) => d.name)).toEqual(["from the copy", "from this one"]);
  });

  it("rejects a duplicate name in one file, naming both places", () => {
    bench("twice", () => 1); // DUP-FIRST
    let error: unknown;
    try {
      bench("twice", () => 2); // DUP-SECOND
    } catch (e) {
      error = e;
    }
    expect(isPerfError(error) && error.code).toBe("USAGE");
    const message = (error as Error).message;
    expect(message).toContain(`${thisFile}:${lineOf("DUP-FIRST")}`);
    expect(message).toContain(`${thisFile}:${lineOf("DUP-SECOND")}`);
    expect(listBenchDefinitions()).toHaveLength(1);
  });

  it("rejects a missing name or function with a usage error", () => {
    expect(() => bench("", () => 1)).toThrow(/non-empty name/);
    expect(() => bench("no fn", undefined as unknown as () => void)).toThrow(/needs a function/);
    expect(() => bench("bad hook", () => 1, { setup: 3 as unknown as () => void })).toThrow(/options.setup/);
  });
});
