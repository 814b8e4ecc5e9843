import { describe, expect, it } from "vitest";
import { computeRetainerTree, findHolderName, findRetainerPath, renderRetainerPath } from "./retainers.js";
import { buildTestGraph } from "./test-helpers/build-graph.js";

describe("retainer paths", () => {
  // 0 root → 1 (GC roots); root → 2 global (shortcut); global.leakyCache → 3 Array;
  // Array[2] → 4 LeakedThing; also a longer way: (GC roots) → 5 Holder → 6 Box → LeakedThing;
  // and a weak edge straight from (GC roots) to 7 Orphan, which nothing else holds.
  const graph = buildTestGraph(
    [
      { name: "", type: "synthetic" },
      { name: "(GC roots)", type: "synthetic" },
      { name: "global / ", type: "object" },
      { name: "Array" },
      { name: "LeakedThing" },
      { name: "Holder" },
      { name: "Box" },
      { name: "Orphan" },
    ],
    [
      { from: 0, to: 1, type: "element", name: 1 },
      { from: 0, to: 2, type: "shortcut", name: "global" },
      { from: 1, to: 5, type: "element", name: 1 },
      { from: 1, to: 7, type: "weak", name: "w" },
      { from: 2, to: 3, type: "property", name: "leakyCache" },
      { from: 3, to: 4, type: "element", name: 2 },
      { from: 5, to: 6, type: "property", name: "box" },
      { from: 6, to: 4, type: "context", name: "thing" },
    ],
  );
  const tree = computeRetainerTree(graph);

  it("takes the shortest chain from the root and renders it with edge names", () => {
    const path = findRetainerPath(tree, 4);
    expect(path?.map((s) => s.node)).toEqual([0, 2, 3, 4]);
    expect(renderRetainerPath(graph, path!)).toBe("(GC roots) → global → leakyCache (property) → Array → [2] (element) → LeakedThing");
    expect(findHolderName(graph, path!)).toBe("leakyCache");
  });

  it("does not repeat the (GC roots) node and names closure variables", () => {
    const path = findRetainerPath(tree, 6)!;
    expect(renderRetainerPath(graph, path)).toBe("(GC roots) → Holder → box (property) → Box");
    const viaContext = buildTestGraph(
      [{ name: "", type: "synthetic" }, { name: "(GC roots)", type: "synthetic" }, { name: "system / Context", type: "hidden" }, { name: "Item" }],
      [
        { from: 0, to: 1, type: "element", name: 1 },
        { from: 1, to: 2, type: "element", name: 5 },
        { from: 2, to: 3, type: "context", name: "cache" },
      ],
    );
    const p = findRetainerPath(computeRetainerTree(viaContext), 3)!;
    expect(renderRetainerPath(viaContext, p)).toBe("(GC roots) → (hidden) system / Context → cache (context) → Item");
    expect(findHolderName(viaContext, p)).toBe("cache");
  });

  it("has no path for what only weak references reach", () => {
    expect(findRetainerPath(tree, 7)).toBeNull();
  });
});
