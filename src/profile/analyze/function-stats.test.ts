import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "../builder.js";
import { computeFunctionStats } from "./function-stats.js";

describe("computeFunctionStats", () => {
  it("counts recursion once in total and every level in self", () => {
    const b = new ProfileBuilder("samples");
    // fib -> fib -> fib: recursion; total of fib must be 4, not 4+3+2.
    b.addStack([{ name: "main" }, { name: "fib" }], 1);
    b.addStack([{ name: "main" }, { name: "fib" }, { name: "fib" }], 1);
    b.addStack([{ name: "main" }, { name: "fib" }, { name: "fib" }, { name: "fib" }], 2);
    b.addStack([{ name: "main" }, { name: "other" }], 3);
    const p = b.build();
    const stats = computeFunctionStats(p);
    const byName = new Map(stats.map((s) => [p.frames[s.frame]!.name, s]));
    expect(byName.get("fib")).toMatchObject({ self: 4, total: 4 });
    expect(byName.get("main")).toMatchObject({ self: 0, total: 7 });
    expect(byName.get("other")).toMatchObject({ self: 3, total: 3 });
  });

  it("handles indirect recursion (a -> b -> a) and deep stacks without overflow", () => {
    const b = new ProfileBuilder("samples");
    const deep = Array.from({ length: 20_000 }, (_, i) => ({ name: i % 2 ? "a" : "b" }));
    b.addStack(deep, 5);
    const p = b.build();
    const stats = computeFunctionStats(p);
    for (const s of stats) expect(s.total).toBe(5);
  });
});
