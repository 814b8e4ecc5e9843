import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { detectAndImportProfile, importProfileFile } from "./index.js";
import { locateJsonError } from "./json-locate.js";
import { FIXTURES } from "./test-helpers/speedscope-snapshot.js";
import { thrownPerfError } from "../../test-helpers/thrown-perf-error.js";

const dir = mkdtempSync(path.join(tmpdir(), "perfscope-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CPU = JSON.stringify({
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1, scriptId: "0" }, children: [2, 3] },
    { id: 2, callFrame: { functionName: "work", url: "file:///app.js", lineNumber: 4, columnNumber: 2, scriptId: "1" }, children: [] },
    { id: 3, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1, columnNumber: -1, scriptId: "0" }, children: [] },
  ],
  startTime: 1000,
  endTime: 1400,
  samples: [2, 2, 3],
  timeDeltas: [0, 100, 100],
});

describe("detectAndImportProfile", () => {
  it("imports a cpuprofile, also wrapped as Profiler.stop returns it", () => {
    const p = detectAndImportProfile(CPU, "a.cpuprofile");
    expect(p.frames).toEqual([
      { name: "work", file: "file:///app.js", line: 5, column: 3, kind: "js" },
      { name: "(garbage collector)", kind: "gc" },
    ]);
    // 0→100→200, the last sample runs to endTime 1400 (200 µs after its start at 1200).
    expect(p.samples.weight).toEqual([100, 100, 200]);
    const wrapped = detectAndImportProfile(JSON.stringify({ profile: JSON.parse(CPU) }), "b.json");
    expect(wrapped.samples).toEqual(p.samples);
  });

  it("says MALFORMED_INPUT with line and byte for a truncated cpuprofile", () => {
    const text = CPU.replace('"samples"', '\n"samples"');
    const cut = text.slice(0, text.length - 30);
    const err = thrownPerfError(() => detectAndImportProfile(cut, "cut.cpuprofile"));
    expect(err.code).toBe("MALFORMED_INPUT");
    expect(err.where).toEqual({ file: "cut.cpuprofile", line: 2, byte: Buffer.byteLength(cut) });
    expect(err.message).toMatch(/found end of file/);
  });

  it("says UNKNOWN_FORMAT, naming the known formats, for garbage and for unsupported JSON", () => {
    const err = thrownPerfError(() => detectAndImportProfile(Buffer.from([0x00, 0x01, 0xff, 0x20, 0x41]), "junk.bin"));
    expect(err.code).toBe("UNKNOWN_FORMAT");
    expect(err.message).toMatch(/perf script/);
    expect(err.message).toMatch(/cpuprofile/);
    const speedscopeFile = readFileSync(path.join(FIXTURES, "profiles/speedscope/invalid/incomplete-trace.json"));
    expect(thrownPerfError(() => detectAndImportProfile(speedscopeFile, "incomplete-trace.json")).code).toBe("UNKNOWN_FORMAT");
  });

  it("rejects a perfscope JSON whose references are out of range", () => {
    const bad = { version: 1, unit: "samples", frames: [{ name: "a", kind: "other" }], stacks: { frame: [3], parent: [-1] }, samples: { stack: [0], weight: [1], time: null }, meta: {} };
    const err = thrownPerfError(() => detectAndImportProfile(JSON.stringify(bad), "bad.json"));
    expect(err.code).toBe("MALFORMED_INPUT");
    expect(err.message).toMatch(/stacks\.frame\[0\]/);
  });
});

describe("locateJsonError", () => {
  it("points at the first bad character and what was expected", () => {
    expect(locateJsonError('{"a": [1, 2}')).toMatchObject({ offset: 11, line: 1, expected: "',' or ']'" });
    expect(locateJsonError('{\n"é": tru')).toMatchObject({ line: 2, byte: 8 });
    expect(locateJsonError('{"a": [1, {"b": null}], "c": "x"}')).toBeNull();
  });
});

describe("importProfileFile", () => {
  it("streams perf script files, reporting progress, and names the profile after the file", async () => {
    const file = path.join(dir, "big.perf.txt");
    const sample = "app 5 1.000000: 1000 cpu-clock:\n\t 4000 leaf (/bin/app)\n\t 3000 main (/bin/app)\n\n";
    let text = "";
    for (let i = 0; i < 3000; i++) text += sample.replace("1.000000", (1 + i / 1000).toFixed(6));
    writeFileSync(file, text);
    const seen: number[] = [];
    const p = await importProfileFile(file, { onProgress: (n) => seen.push(n) });
    expect(p.meta.name).toBe("big.perf.txt");
    expect(p.samples.stack.length).toBe(3000);
    expect(seen[seen.length - 1]).toBe(Buffer.byteLength(text));
  });

  it("reads a one-line cpuprofile longer than the sniffed head as JSON, not as perf script", async () => {
    // node --cpu-prof writes one line; a 64 KB head of it once passed for a perf script header.
    const nodes = [{ id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1, scriptId: "0" }, children: [] as number[] }];
    for (let id = 2; id <= 2000; id++) {
      nodes[0]!.children.push(id);
      nodes.push({ id, callFrame: { functionName: id % 2 === 0 ? `fn${id}` : `RegExp: ^\\d{${id}}$`, url: "file:///srv/app.js", lineNumber: id, columnNumber: 4, scriptId: "7" }, children: [] });
    }
    const samples = nodes.slice(1).map((n) => n.id);
    const text = JSON.stringify({ nodes, startTime: 1000, endTime: 1000 + samples.length * 1000, samples, timeDeltas: samples.map(() => 1000) });
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(text.includes("\n")).toBe(false);
    const file = path.join(dir, "one-line.cpuprofile");
    writeFileSync(file, text);
    const p = await importProfileFile(file);
    expect(p.meta.collector).not.toMatch(/perf-script/);
    expect(p.samples.stack.length).toBe(1999);
  });

  it("reads other formats whole, and says TARGET_NOT_FOUND with the path for a missing file", async () => {
    const file = path.join(dir, "x.cpuprofile");
    writeFileSync(file, CPU);
    expect((await importProfileFile(file)).unit).toBe("microseconds");
    const missing = path.join(dir, "nope.cpuprofile");
    const err = await importProfileFile(missing).then(
      () => null,
      (e: unknown) => e as PerfError,
    );
    expect(err?.code).toBe("TARGET_NOT_FOUND");
    expect(err?.where?.file).toBe(missing);
  });
});
