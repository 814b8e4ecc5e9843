import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { stackFrames, totalWeight, type Profile } from "../../profile/model.js";
import { importFromHeapProfileText, importFromSamplingHeapProfile } from "./import-sampling-heap.js";
import { listTopAllocationSites } from "./top-allocations.js";

interface RawNode {
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number | string;
  id: number;
  children: RawNode[];
}

function node(id: number, functionName: string, selfSize: number | string, children: RawNode[] = [], url = "", lineNumber = -1, columnNumber = -1): RawNode {
  return { callFrame: { functionName, scriptId: url ? "42" : "0", url, lineNumber, columnNumber }, selfSize, id, children };
}

/** (root) → main (file:///app/main.js, V8 line 9 col 2) → join (a builtin) and helper. */
function sampleProfile(): { head: RawNode; samples: Array<{ size: number; nodeId: number; ordinal: number }> } {
  const join = node(3, "join", 1000);
  const helper = node(4, "helper", 300, [], "file:///app/util.js", 0, 15);
  const main = node(2, "main", 100, [join, helper], "file:///app/main.js", 9, 2);
  return { head: node(1, "(root)", 0, [main]), samples: [{ size: 1000, nodeId: 3, ordinal: 1 }] };
}

function names(profile: Profile, node: number): string[] {
  return stackFrames(profile, node).map((f) => profile.frames[f]!.name);
}

function catchError(fn: () => unknown): PerfError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PerfError);
    return error as PerfError;
  }
  throw new Error("expected a PerfError");
}

describe("importFromSamplingHeapProfile", () => {
  it("builds a bytes profile from the node tree, with 1-based lines and columns and (root) dropped", () => {
    const profile = importFromSamplingHeapProfile(sampleProfile(), { fileName: "a.heapprofile" })!;
    expect(profile.unit).toBe("bytes");
    expect(totalWeight(profile)).toBe(1400);
    const main = profile.frames.find((f) => f.name === "main")!;
    expect(main).toMatchObject({ file: "file:///app/main.js", line: 10, column: 3, kind: "js" });
    expect(profile.frames.find((f) => f.name === "join")).toMatchObject({ kind: "native" });
    expect(profile.frames.find((f) => f.name === "(root)")).toBeUndefined();
    const stacks = profile.samples.stack.map((n) => names(profile, n).join(">"));
    expect(new Set(stacks)).toEqual(new Set(["main", "main>join", "main>helper"]));
    expect(profile.meta).toMatchObject({ name: "a.heapprofile", collector: "import:heapprofile" });
  });

  it("accepts the CDP answer shape { profile } and charges builtin bytes to the calling function", () => {
    const profile = importFromSamplingHeapProfile({ profile: sampleProfile() })!;
    const top = listTopAllocationSites(profile);
    expect(top[0]).toMatchObject({ function: "main", bytes: 1100, line: 10, file: "/app/main.js" });
    expect(top[0]!.share).toBeCloseTo(1100 / 1400, 10);
    expect(top[1]).toMatchObject({ function: "helper", bytes: 300, line: 1 });
  });

  it("returns null for values that are not sampling heap profiles", () => {
    const cpuprofile = { nodes: [{ id: 1, callFrame: { functionName: "(root)", url: "" }, children: [] }], samples: [], timeDeltas: [] };
    expect(importFromSamplingHeapProfile(cpuprofile)).toBeNull();
    expect(importFromSamplingHeapProfile({ head: { functionName: "(root)", children: [] } })).toBeNull();
    expect(importFromSamplingHeapProfile([1, 2])).toBeNull();
    expect(importFromSamplingHeapProfile("text")).toBeNull();
  });

  it("converts call trees deeper than the JS stack allows", () => {
    let deepest = node(30_001, "leaf", 64, [], "file:///deep.js", 1, 1);
    for (let id = 30_000; id > 1; id--) deepest = node(id, `f${id % 7}`, 0, [deepest], "file:///deep.js", id % 100, 1);
    const profile = importFromSamplingHeapProfile({ head: node(1, "(root)", 0, [deepest]) })!;
    expect(totalWeight(profile)).toBe(64);
    expect(stackFrames(profile, profile.samples.stack[0]!)).toHaveLength(30_000);
  });
});

describe("importFromHeapProfileText", () => {
  it("detects a .heapprofile by content, whatever the file name", () => {
    const text = JSON.stringify(sampleProfile());
    const profile = importFromHeapProfileText(text, "saved.json");
    expect(profile?.unit).toBe("bytes");
    expect(totalWeight(profile!)).toBe(1400);
    expect(importFromHeapProfileText(Buffer.from(text), "x.heapprofile")?.frames.some((f) => f.name === "helper")).toBe(true);
  });

  it("leaves other formats alone", () => {
    expect(importFromHeapProfileText("main;work 12\n", "stacks.folded")).toBeNull();
    expect(importFromHeapProfileText(JSON.stringify({ nodes: [], samples: [], timeDeltas: [] }), "cpu.cpuprofile")).toBeNull();
    expect(importFromHeapProfileText("", "empty.txt")).toBeNull();
  });

  it("says where a truncated .heapprofile ends", () => {
    const text = JSON.stringify(sampleProfile(), null, 1);
    const cut = text.slice(0, Math.floor(text.length * 0.6));
    const error = catchError(() => importFromHeapProfileText(cut, "cut.heapprofile"));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.where?.file).toBe("cut.heapprofile");
    expect(error.where?.byte).toBe(Buffer.byteLength(cut));
    expect(error.where?.line).toBe(cut.split("\n").length);
    expect(error.hint).toMatch(/cut off/);
  });

  it("names the broken node and its line", () => {
    const raw = sampleProfile();
    raw.head.children[0]!.children[1]!.selfSize = "lots";
    const text = JSON.stringify(raw, null, 2);
    const expectedLine = text.split("\n").findIndex((l) => l.includes('"id": 4')) + 1;
    const error = catchError(() => importFromHeapProfileText(text, "bad.heapprofile"));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toContain("node id 4");
    expect(error.message).toContain('"lots"');
    expect(error.where).toMatchObject({ file: "bad.heapprofile", line: expectedLine });
  });

  it("rejects a file named .heapprofile that holds other JSON", () => {
    const error = catchError(() => importFromHeapProfileText('{"traceEvents":[]}', "wrong.heapprofile"));
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toMatch(/head/);
    expect(importFromHeapProfileText('{"traceEvents":[]}', "trace.json")).toBeNull();
  });
});
