import { describe, expect, it } from "vitest";
import { ProfileBuilder, buildProfileFromCallTree } from "./builder.js";
import { listSamples, stackFrames } from "./model.js";

describe("ProfileBuilder", () => {
  it("interns frames and call paths and keeps samples in order", () => {
    const b = new ProfileBuilder("microseconds", { name: "t" });
    b.addStack([{ name: "main" }, { name: "work", file: "/a.js", line: 3 }], 1000, 0);
    b.addStack([{ name: "main" }, { name: "work", file: "/a.js", line: 3 }], 1000, 1000);
    b.addStack([{ name: "main" }, { name: "idle" }], 500, 2000);
    const p = b.build();
    expect(p.frames.map((f) => f.name)).toEqual(["main", "work", "idle"]);
    expect(p.frames[1]!.kind).toBe("js");
    expect(p.stacks.frame.length).toBe(3);
    expect(p.samples.stack).toEqual([1, 1, 2]);
    expect(p.samples.time).toEqual([0, 1000, 2000]);
    expect(stackFrames(p, 1)).toEqual([0, 1]);
    const views = listSamples(p);
    expect(views[0]).toMatchObject({ function: "work", stack: ["main", "work"], duration: 1, time: 0 });
  });

  it("survives a JSON round trip unchanged", () => {
    const b = new ProfileBuilder("samples");
    b.addStack([{ name: "a" }, { name: "b" }], 2);
    const p = b.build();
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.samples.time).toBeNull();
  });

  it("aggregates per call path when asked, so memory follows distinct stacks", () => {
    const b = new ProfileBuilder("samples", {}, { aggregate: true });
    for (let i = 0; i < 1000; i++) b.addStack([{ name: "a" }, { name: i % 2 ? "b" : "c" }], 1);
    const p = b.build();
    expect(p.samples.stack.length).toBe(2);
    expect(p.samples.weight).toEqual([500, 500]);
  });

  it("builds from a call tree, one sample per node with self weight", () => {
    const p = buildProfileFromCallTree(
      [{ frame: { name: "root" }, self: 1, children: [{ frame: { name: "leaf" }, self: 4 }] }],
      "bytes",
    );
    expect(p.samples.weight).toEqual([1, 4]);
    expect(stackFrames(p, p.samples.stack[1]!).map((f) => p.frames[f]!.name)).toEqual(["root", "leaf"]);
  });
});

describe("computeCallTree", () => {
  it("sums self and total weights per call path", async () => {
    const { computeCallTree } = await import("./analyze/call-tree.js");
    const b = new ProfileBuilder("samples");
    b.addStack([{ name: "a" }, { name: "b" }], 3);
    b.addStack([{ name: "a" }], 1);
    b.addStack([{ name: "a" }, { name: "c" }], 2);
    b.addStack([], 5);
    const t = computeCallTree(b.build());
    expect(Array.from(t.total)).toEqual([6, 3, 2]);
    expect(Array.from(t.self)).toEqual([1, 3, 2]);
    expect(t.roots).toEqual([0]);
    expect(t.children[0]).toEqual([1, 2]);
    expect(t.emptyWeight).toBe(5);
    expect(t.totalWeight).toBe(11);
  });
});
