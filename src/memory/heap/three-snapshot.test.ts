import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHeapSnapshotFile } from "./parse-snapshot.js";
import { summarizeHeap } from "./summarize-heap.js";
import { startInspectedNode, type InspectedNode } from "./test-helpers/inspected-node.js";
import { takeHeapSnapshot } from "./take-snapshot.js";
import { findLeakCandidates, type LeakCandidates } from "./three-snapshot.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const PER_ACTION = 1500;

describe("three-snapshot leak finding on a real leaking process", () => {
  let target: InspectedNode;
  let dir: string;
  let result: LeakCandidates;
  const files: string[] = [];
  const progress: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-heap-"));
    target = await startInspectedNode(path.join(here, "test-programs/leaky.mjs"), [String(PER_ACTION)]);
    await target.waitForLine(/^ready$/);
    for (let k = 0; k < 3; k++) {
      if (k > 0) {
        target.child.kill("SIGUSR2");
        await target.waitForLine(new RegExp(`^action ${k} done`));
      }
      const file = path.join(dir, `s${k + 1}.heapsnapshot`);
      const taken = await takeHeapSnapshot(target.cdp, file, { onProgress: (p) => progress.push(p.phase) });
      expect(taken.bytes).toBe(statSync(file).size);
      files.push(file);
    }
    const [s1, s2, s3] = await Promise.all(files.map((f) => parseHeapSnapshotFile(f)));
    result = findLeakCandidates(s1!, s2!, s3!);
  });

  afterAll(async () => {
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("streams the snapshot to disk and reports progress while V8 walks the heap", () => {
    expect(progress).toContain("walking");
    expect(progress).toContain("writing");
  });

  it("ranks the leaked class first, with as many objects as one action leaked", () => {
    const top = result.groups[0]!;
    expect(top.className).toBe("LeakedThing");
    expect(top.count).toBe(PER_ACTION);
    // Each LeakedThing keeps its label string and an 8-element array: retained > self.
    expect(top.retainedSize).toBeGreaterThan(top.selfSize);
    expect(top.summary).toContain(`+${PER_ACTION.toLocaleString("en-US")} LeakedThing objects`);
    expect(top.heldBy).toBe("leakyCache");
    expect(top.summary).toContain("held by leakyCache");
  });

  it("gives the retainer path through the global array", () => {
    const top = result.groups[0]!;
    expect(top.retainerPath).toMatch(/^\(GC roots\) → .*leakyCache \(property\) → Array → .*LeakedThing$/);
  });

  it("does not report garbage that did not survive, and says which groups sit inside the leak", () => {
    expect(result.groups.map((g) => g.className)).not.toContain("TransientGarbage");
    const arrays = result.groups.find((g) => g.className === "Array");
    expect(arrays?.insideOf).toBe("LeakedThing");
    expect(arrays?.retainedSize).toBeGreaterThan(PER_ACTION * 8 * 4);
    expect(result.survivingIn3).toBeLessThan(result.allocatedBetween1And2);
  });

  it("summarizes a heap by retained size per constructor", async () => {
    const s3 = await parseHeapSnapshotFile(files[2]!);
    const summary = summarizeHeap(s3, { limit: 50 });
    const leaked = summary.top.find((t) => t.className === "LeakedThing");
    expect(leaked?.count).toBe(2 * PER_ACTION);
    expect(summary.reachableSize).toBeLessThanOrEqual(summary.totalSelfSize);
    // Only TransientGarbage.prototype (V8 names prototypes after their class) is left, if listed.
    expect(summary.top.find((t) => t.className === "TransientGarbage")?.count ?? 0).toBeLessThanOrEqual(1);
    for (let i = 1; i < summary.top.length; i++) expect(summary.top[i - 1]!.retainedSize).toBeGreaterThanOrEqual(summary.top[i]!.retainedSize);
  });
});
