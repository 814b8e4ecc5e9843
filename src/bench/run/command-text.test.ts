import { describe, expect, it } from "vitest";
import { isPerfError } from "../../core/errors.js";
import { expandParameterScan, splitCommandLine, substituteParameters } from "./command-text.js";

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isPerfError(error) && error.code === "USAGE" && error.hint) return error.message;
    throw error;
  }
  throw new Error("expected a USAGE error");
}

describe("expandParameterScan", () => {
  it("keeps a list as given", () => {
    expect(expandParameterScan({ name: "mode", values: ["fast", "slow"] })).toEqual({ name: "mode", values: ["fast", "slow"] });
  });

  it("expands an integer range inclusive of both ends", () => {
    expect(expandParameterScan({ name: "n", start: 2, end: 10, step: 4 }).values).toEqual(["2", "6", "10"]);
    expect(expandParameterScan({ name: "n", start: 1, end: 3 }).values).toEqual(["1", "2", "3"]);
  });

  it("stops before end when the step does not land on it", () => {
    expect(expandParameterScan({ name: "n", start: 0, end: 10, step: 3 }).values).toEqual(["0", "3", "6", "9"]);
  });

  it("prints fractional steps without floating-point residue", () => {
    expect(expandParameterScan({ name: "t", start: 0.1, end: 0.5, step: 0.1 }).values).toEqual(["0.1", "0.2", "0.3", "0.4", "0.5"]);
  });

  it("rejects bad ranges and names with a usage error", () => {
    expect(usageError(() => expandParameterScan({ name: "n", start: 5, end: 1 }))).toMatch(/below start/);
    expect(usageError(() => expandParameterScan({ name: "n", start: 1, end: 5, step: 0 }))).toMatch(/step/);
    expect(usageError(() => expandParameterScan({ name: "n", start: 0, end: 1, step: 1e-6 }))).toMatch(/values/);
    expect(usageError(() => expandParameterScan({ name: "a b", values: ["1"] }))).toMatch(/identifier/);
    expect(usageError(() => expandParameterScan({ name: "x", values: [] }))).toMatch(/no values/);
  });
});

describe("substituteParameters", () => {
  it("replaces every {name} and leaves other braces alone", () => {
    expect(substituteParameters("run {n} of {n} ${HOME} {other}", { n: "4" })).toBe("run 4 of 4 ${HOME} {other}");
  });
});

describe("splitCommandLine", () => {
  it("splits on blanks and honours quotes and escapes", () => {
    expect(splitCommandLine("node -e 0")).toEqual(["node", "-e", "0"]);
    expect(splitCommandLine(`  a   'b c'  "d \\"e\\" $x"  f\\ g ''`)).toEqual(["a", "b c", 'd "e" $x', "f g", ""]);
    expect(splitCommandLine(`x"y"'z'`)).toEqual(["xyz"]);
  });

  it("keeps shell syntax as plain words", () => {
    expect(splitCommandLine("echo a && echo b")).toEqual(["echo", "a", "&&", "echo", "b"]);
  });

  it("rejects unterminated quotes", () => {
    expect(usageError(() => splitCommandLine("echo 'oops"))).toMatch(/unterminated '/);
    expect(usageError(() => splitCommandLine('echo "oops'))).toMatch(/unterminated "/);
  });
});
