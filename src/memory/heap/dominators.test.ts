import { describe, expect, it } from "vitest";
import { NO_NODE, computeDominators } from "./dominators.js";
import { buildTestGraph, type TestEdge } from "./test-helpers/build-graph.js";

/** Reachable set from node 0 over non-weak edges, optionally pretending one node is gone. */
function reachable(n: number, edges: TestEdge[], without: number): boolean[] {
  const seen = new Array<boolean>(n).fill(false);
  if (without === 0) return seen;
  const stack = [0];
  seen[0] = true;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const e of edges) {
      if (e.from !== v || e.type === "weak" || e.to === without || seen[e.to]) continue;
      seen[e.to] = true;
      stack.push(e.to);
    }
  }
  return seen;
}

/**
 * Dominators by their definition: d dominates v when removing d makes v unreachable. The
 * immediate dominator is the strict dominator that all the others dominate (the deepest one).
 */
function bruteForce(n: number, edges: TestEdge[], self: number[]): { idom: number[]; retained: number[] } {
  const base = reachable(n, edges, -1);
  const dominated = Array.from({ length: n }, (_, d) => {
    const r = reachable(n, edges, d);
    return base.map((b, v) => b && v !== d && !r[v]);
  });
  const idom = Array.from({ length: n }, (_, v) => {
    if (v === 0) return 0;
    if (!base[v]) return NO_NODE;
    const strict = Array.from({ length: n }, (_, d) => d).filter((d) => dominated[d]![v]);
    return strict.find((d) => strict.every((o) => o === d || dominated[o]![d])) ?? NO_NODE;
  });
  const retained = self.map((s, d) => (base[d] ? s + self.reduce((sum, t, v) => sum + (dominated[d]![v] ? t : 0), 0) : s));
  return { idom, retained };
}

describe("computeDominators", () => {
  it("finds the dominators of the Lengauer–Tarjan paper's example graph", () => {
    const names = ["R", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];
    const id = (name: string): number => names.indexOf(name);
    const pairs = "RA RB RC AD BA BD BE CF CG DL EH FI GI GJ HE HK IK JI KI KR LH".split(" ");
    const edges = pairs.map((p) => ({ from: id(p[0]!), to: id(p[1]!) }));
    const graph = buildTestGraph(names.map((name) => ({ name, self: 1 })), edges);
    const { idom, retainedSize } = computeDominators(graph);
    const named = Object.fromEntries(names.map((n, i) => [n, names[idom[i]!]]));
    expect(named).toEqual({ R: "R", A: "R", B: "R", C: "R", D: "R", E: "R", F: "C", G: "C", H: "R", I: "R", J: "G", K: "R", L: "D" });
    expect(retainedSize[id("R")]).toBe(13);
    expect(retainedSize[id("C")]).toBe(4); // C, F, G, J
    expect(retainedSize[id("D")]).toBe(2); // D, L
  });

  it("ignores weak edges and leaves unreachable nodes without a dominator", () => {
    // root → a → b (weak), root → c → b; d is not reachable at all.
    const graph = buildTestGraph(
      [{ name: "root", type: "synthetic" }, { name: "a", self: 5 }, { name: "b", self: 7 }, { name: "c", self: 3 }, { name: "d", self: 11 }],
      [
        { from: 0, to: 1 },
        { from: 1, to: 2, type: "weak" },
        { from: 0, to: 3 },
        { from: 3, to: 2 },
        { from: 4, to: 2 },
      ],
    );
    const { idom, retainedSize, reachableCount } = computeDominators(graph);
    expect(idom[2]).toBe(3);
    expect(retainedSize[1]).toBe(5);
    expect(retainedSize[3]).toBe(10);
    expect(idom[4]).toBe(NO_NODE);
    expect(retainedSize[4]).toBe(11);
    expect(reachableCount).toBe(4);
  });

  it("agrees with the definition on random graphs", () => {
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 40; round++) {
      const n = 2 + Math.floor(rand() * 30);
      const edges: TestEdge[] = [];
      const m = Math.floor(rand() * n * 3);
      for (let k = 0; k < m; k++) edges.push({ from: Math.floor(rand() * n), to: Math.floor(rand() * n), type: rand() < 0.1 ? "weak" : "property" });
      const self = Array.from({ length: n }, () => 1 + Math.floor(rand() * 100));
      const graph = buildTestGraph(self.map((s, i) => ({ name: `n${i}`, self: s })), edges);
      const got = computeDominators(graph);
      const want = bruteForce(n, edges, self);
      expect([...got.idom]).toEqual(want.idom);
      expect([...got.retainedSize]).toEqual(want.retained);
    }
  });

  it("handles a chain a million nodes deep without recursion", () => {
    const n = 1_000_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ name: "x", self: i === 0 ? 0 : 1 }));
    const edges = Array.from({ length: n - 1 }, (_, i) => ({ from: i, to: i + 1, name: "next" }));
    const { idom, retainedSize } = computeDominators(buildTestGraph(nodes, edges));
    expect(idom[n - 1]).toBe(n - 2);
    expect(retainedSize[0]).toBe(n - 1);
    expect(retainedSize[1]).toBe(n - 1);
  });
});
