import { describe, expect, it } from "vitest";
import { buildProfileFromCallTree, ProfileBuilder } from "../profile/builder.js";
import { PROFILE_VERSION, type Profile } from "../profile/model.js";
import { layoutFlameGraph, type FlameLayout } from "./layout.js";
import { HOT_FUNCTION, generateProfile, weighPaths } from "./test-helpers/profiles.js";

const EPS = 1e-9;

/** Frame-index path of every rect ("" for the root), by walking parents. */
function rectPaths(layout: FlameLayout): string[] {
  const paths: string[] = [];
  layout.rects.forEach((r, i) => {
    paths[i] = r.parent < 0 ? "" : paths[r.parent] === "" ? String(r.frame) : `${paths[r.parent]}/${r.frame}`;
  });
  return paths;
}

/** Weight each rect hides: its total minus its self minus its drawn children. */
function hiddenPerRect(layout: FlameLayout): number[] {
  const hidden = layout.rects.map((r) => r.total - r.self);
  for (const r of layout.rects) if (r.parent >= 0) hidden[r.parent]! -= r.total;
  return hidden;
}

const profile = generateProfile({ seed: 7, samples: 20_000, distinctStacks: 400, deepShare: 0.05, hotShare: 0.3 });
const paths = weighPaths(profile);
const grandTotal = profile.samples.weight.reduce((a, b) => a + b, 0);

describe("layoutFlameGraph", () => {
  it("gives every call path one rect with width proportional to its total, nested in its parent", () => {
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0 });
    expect(layout.totalWeight).toBe(grandTotal);
    expect(layout.rects.length - 1).toBe(paths.size);
    const keys = rectPaths(layout);
    layout.rects.forEach((r, i) => {
      if (i === 0) {
        expect(r).toMatchObject({ frame: -1, depth: 0, x: 0, width: 1, parent: -1 });
        return;
      }
      const expected = paths.get(keys[i]!)!;
      expect(r.total).toBe(expected.total);
      expect(r.self).toBe(expected.self);
      expect(r.depth).toBe(expected.depth);
      expect(r.width).toBeCloseTo(expected.total / grandTotal, 12);
      const p = layout.rects[r.parent]!;
      expect(r.depth).toBe(p.depth + 1);
      expect(r.x).toBeGreaterThanOrEqual(p.x - EPS);
      expect(r.x + r.width).toBeLessThanOrEqual(p.x + p.width + EPS);
    });
    expect(layout.maxDepth).toBe(Math.max(...[...paths.values()].map((p) => p.depth)));
    expect(layout.maxDepth).toBeGreaterThanOrEqual(200);
  });

  it("never overlaps rects at the same depth", () => {
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0 });
    const byDepth = new Map<number, Array<{ x: number; width: number }>>();
    for (const r of layout.rects) byDepth.set(r.depth, [...(byDepth.get(r.depth) ?? []), r]);
    for (const row of byDepth.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let i = 1; i < row.length; i++) expect(row[i - 1]!.x + row[i - 1]!.width).toBeLessThanOrEqual(row[i]!.x + EPS);
    }
  });

  it("makes a planted hot function the widest frame at its depth", () => {
    for (const merge of ["call-path", "left-heavy"] as const) {
      const layout = layoutFlameGraph(profile, { merge });
      const atDepth3 = layout.rects.filter((r) => r.depth === 3);
      const widest = atDepth3.reduce((a, b) => (b.width > a.width ? b : a));
      expect(profile.frames[widest.frame]!.name).toBe(HOT_FUNCTION);
    }
  });

  it("orders siblings by name for call-path and by weight for left-heavy", () => {
    const siblingsOf = (layout: FlameLayout): FlameLayout["rects"][] => {
      const groups = new Map<number, FlameLayout["rects"]>();
      for (const r of layout.rects) if (r.parent >= 0) groups.set(r.parent, [...(groups.get(r.parent) ?? []), r]);
      return [...groups.values()].map((g) => g.sort((a, b) => a.x - b.x));
    };
    for (const group of siblingsOf(layoutFlameGraph(profile, { minWidthFraction: 0 }))) {
      const names = group.map((r) => profile.frames[r.frame]!.name);
      expect(names).toEqual([...names].sort());
    }
    for (const group of siblingsOf(layoutFlameGraph(profile, { minWidthFraction: 0, merge: "left-heavy" }))) {
      for (let i = 1; i < group.length; i++) expect(group[i - 1]!.total).toBeGreaterThanOrEqual(group[i]!.total);
    }
  });

  it("prunes narrow frames but keeps their weight in the parent, and says how much", () => {
    const minWidthFraction = 0.01;
    const layout = layoutFlameGraph(profile, { minWidthFraction });
    const threshold = minWidthFraction * grandTotal;
    for (const r of layout.rects.slice(1)) expect(r.total).toBeGreaterThanOrEqual(threshold);
    // Independent account: paths below the threshold whose parent is above it.
    let expectedWeight = 0;
    let expectedSubtrees = 0;
    for (const [key, p] of paths) {
      const parentKey = key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : null;
      const parentTotal = parentKey === null ? grandTotal : paths.get(parentKey)!.total;
      if (p.total < threshold && parentTotal >= threshold) {
        expectedWeight += p.total;
        expectedSubtrees++;
      }
    }
    expect(layout.pruned.subtrees).toBe(expectedSubtrees);
    expect(layout.pruned.weight).toBeCloseTo(expectedWeight, 6);
    const hidden = hiddenPerRect(layout);
    for (const h of hidden) expect(h).toBeGreaterThanOrEqual(-EPS);
    expect(hidden.reduce((a, b) => a + b, 0)).toBeCloseTo(layout.pruned.weight, 6);
    expect(layout.rects[0]!.total).toBe(grandTotal);
  });

  it("caps the number of rects at maxRects, keeping the heaviest frames", () => {
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0, maxRects: 50 });
    expect(layout.rects.length).toBeLessThanOrEqual(50);
    expect(layout.pruned.raisedByMaxRects).toBe(true);
    const minKept = Math.min(...layout.rects.slice(1).map((r) => r.total));
    const kept = new Set(rectPaths(layout));
    const maxDropped = Math.max(...[...paths].filter(([k]) => !kept.has(k)).map(([, p]) => p.total));
    expect(minKept).toBeGreaterThan(maxDropped);
    expect(hiddenPerRect(layout).reduce((a, b) => a + b, 0)).toBeCloseTo(layout.pruned.weight, 6);
  });

  it("cuts at maxDepth and accounts the cut weight", () => {
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0, maxDepth: 4 });
    expect(layout.maxDepth).toBe(4);
    const expected = [...paths.values()].filter((p) => p.depth === 5).reduce((a, p) => a + p.total, 0);
    expect(layout.depthLimited.weight).toBeCloseTo(expected, 6);
    expect(layout.pruned.weight).toBe(0);
  });

  it("merges duplicate stack nodes of the same frame under one parent", () => {
    // Two nodes for (work, parent main), as V8 emits for one function reached from two call sites.
    const p: Profile = {
      version: PROFILE_VERSION,
      unit: "samples",
      frames: [
        { name: "main", kind: "js" },
        { name: "work", kind: "js" },
        { name: "leaf", kind: "js" },
      ],
      stacks: { frame: [0, 1, 1, 2, 2], parent: [-1, 0, 0, 1, 2] },
      samples: { stack: [1, 2, 3, 4, -1], weight: [1, 2, 3, 4, 5], time: null },
      meta: {},
    };
    const layout = layoutFlameGraph(p, { minWidthFraction: 0 });
    expect(layout.rects.map((r) => [r.depth, r.frame, r.total, r.self])).toEqual([
      [0, -1, 15, 5],
      [1, 0, 10, 0],
      [2, 1, 10, 3],
      [3, 2, 7, 7],
    ]);
  });

  it("handles stacks far deeper than the JS call stack without recursion", () => {
    const b = new ProfileBuilder("samples");
    const frames = Array.from({ length: 20_000 }, (_, i) => b.internFrame({ name: `f${i % 7}` }));
    b.addSample(b.nodeForFrames(frames), 1);
    const layout = layoutFlameGraph(b.build());
    expect(layout.rects).toHaveLength(20_001);
    expect(layout.maxDepth).toBe(20_000);
  });

  it("lays out an empty profile as a lone root", () => {
    const layout = layoutFlameGraph(buildProfileFromCallTree([], "samples"));
    expect(layout.rects).toHaveLength(1);
    expect(layout.totalWeight).toBe(0);
  });
});
