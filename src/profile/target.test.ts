import { describe, expect, it } from "vitest";
import { resolveProfileTarget, splitCommandLine } from "./target.js";

describe("resolveProfileTarget", () => {
  it("accepts commands and PIDs in the forms people write", () => {
    expect(resolveProfileTarget("node app.js --port 3000")).toEqual({ command: ["node", "app.js", "--port", "3000"] });
    expect(resolveProfileTarget(["node", "a b.js"])).toEqual({ command: ["node", "a b.js"] });
    expect(resolveProfileTarget(4242)).toEqual({ pid: 4242 });
    expect(resolveProfileTarget("pid:17")).toEqual({ pid: 17 });
    expect(resolveProfileTarget({ pid: 5 })).toEqual({ pid: 5 });
  });

  it("splits quotes and escapes like a shell", () => {
    expect(splitCommandLine(`node -e "console.log('x y')" 'a b' c\\ d ""`)).toEqual(["node", "-e", "console.log('x y')", "a b", "c d", ""]);
  });

  it("rejects nonsense with a usage error", () => {
    expect(() => resolveProfileTarget(-3)).toThrow(/Invalid PID/);
    expect(() => resolveProfileTarget({})).toThrow(/Cannot understand/);
    expect(() => resolveProfileTarget('node "oops')).toThrow(/Unclosed/);
  });
});
