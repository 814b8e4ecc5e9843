import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Profile } from "../model.js";
import { importFromCollapsed } from "./collapsed.js";
import { importFromCpuProfile } from "./cpuprofile.js";
import { detectAndImportProfile, PERF_ANALYSIS_WEIGHTING } from "./index.js";
import { importFromPerfScript, importFromPerfScriptStream, splitPerfScriptByThread } from "./perf-script.js";
import { FIXTURES, frameWeights, readSnapshotFile, walkStacks, type SnapshotProfile } from "./test-helpers/speedscope-snapshot.js";

/**
 * Conformance with speedscope's importers: the same input must give the same frames (name,
 * file, line, column, self and total weight) and the same stacks in call order. Expected
 * values are parsed from the .snap files. Deliberate differences, applied to the EXPECTED
 * side below and nowhere else:
 * 1. perf `[unknown]` symbols: speedscope renames them "??? (dso)"; we keep perf's own
 *    "[unknown]" (with the DSO as file) so exports re-import and match perf/FlameGraph output.
 * 2. V8 profiles: speedscope gives the time before the first sample to an empty stack and
 *    weight 0 to the last sample; we record no sample where none was taken, and let the last
 *    sample run to the profile's end (or next timestamp), as DevTools does.
 * 3. Old Node 10 profiles have no columnNumber: speedscope shows column 1, we leave it unset.
 * 4. A perf thread with ONE sample: speedscope gives it weight 1 with no unit; our unit is
 *    microseconds, so it weighs its clock period (the period field of its header / 1000).
 */
const profilesDir = path.join(FIXTURES, "profiles");
const readInput = (rel: string): Buffer => readFileSync(path.join(profilesDir, rel));

function speedscopeName(profile: Profile, f: number): string {
  const frame = profile.frames[f]!;
  return frame.name === "[unknown]" ? `??? (${frame.file ?? "[unknown]"})` : frame.name;
}

/** Checks frames and stacks; `scale` turns the snapshot's frame weights into our unit. */
function expectConforms(profile: Profile, expected: SnapshotProfile, scale: number): void {
  const walked = walkStacks(profile, (f) => speedscopeName(profile, f));
  expect(walked.map((s) => s.names.join(";"))).toEqual(expected.stacks.map((s) => s.names.join(";")));
  walked.forEach((s, i) => {
    const e = expected.stacks[i]!;
    expect(Math.abs(s.weight - e.weight), `stack ${i} ${s.names.join(";")}: ${s.weight} vs ${e.weight}`).toBeLessThanOrEqual(e.tolerance + 1e-6);
  });
  const { self, total } = frameWeights(profile);
  const used = new Set<number>();
  for (const ef of expected.frames) {
    const index = profile.frames.findIndex(
      (fr, i) => speedscopeName(profile, i) === ef.name && (fr.file ?? "") === (ef.file ?? "") && fr.line === ef.line && fr.column === ef.col,
    );
    expect(index, `frame ${ef.name} ${ef.file}:${ef.line}:${ef.col}`).toBeGreaterThanOrEqual(0);
    used.add(index);
    expect(self[index]!).toBeCloseTo(ef.selfWeight * scale, 2);
    expect(total[index]!).toBeCloseTo(ef.totalWeight * scale, 2);
  }
  const weighted = profile.frames.map((_, i) => i).filter((i) => total[i]! > 0);
  expect(weighted.filter((i) => !used.has(i))).toEqual([]);
}

/** Difference 2 above: drop the leading empty stack, add the last sample's duration. */
function adjustV8Expected(e: SnapshotProfile, tail: number): SnapshotProfile {
  const stacks = e.stacks.filter((s, i) => !(i === 0 && s.names.length === 0)).map((s) => ({ ...s }));
  const last = stacks[stacks.length - 1]!;
  last.weight += tail;
  const names = new Set(last.names);
  expect(names.size).toBe(last.names.length); // tail attribution by name needs distinct names
  const frames = e.frames.map((f) => ({
    ...f,
    selfWeight: f.selfWeight + (f.name === last.names[last.names.length - 1] ? tail : 0),
    totalWeight: f.totalWeight + (names.has(f.name) ? tail : 0),
  }));
  return { ...e, stacks, frames };
}

describe("speedscope conformance: V8 CPU profiles", () => {
  const chrome = readSnapshotFile("chrome.test.ts.snap");

  it("Chrome 65 simple.cpuprofile (importFromChromeCPUProfile)", () => {
    const json = JSON.parse(readInput("Chrome/65/simple.cpuprofile").toString("utf8")) as { startTime: number; endTime: number; timeDeltas: number[] };
    const lastSample = json.startTime + json.timeDeltas.reduce((a, b) => a + b, 0);
    const profile = importFromCpuProfile(json, { fileName: "simple.cpuprofile" })!;
    expect(profile.unit).toBe("microseconds");
    expectConforms(profile, adjustV8Expected(chrome.get("importFromChromeCPUProfile 1")!, json.endTime - lastSample), 1);
  });

  it("Node 10 example.cpuprofile (importFromV8Profiler Node 10)", () => {
    const json = JSON.parse(readInput("node/10.11.0/example.cpuprofile").toString("utf8")) as { samples: number[]; timestamps: number[] };
    const n = json.samples.length;
    const tail = json.timestamps[n]! - json.timestamps[n - 1]!;
    const expected = adjustV8Expected(chrome.get("importFromV8Profiler Node 10 1")!, tail);
    // Difference 3: no column in the file, so none in our frames.
    const noColumns = { ...expected, frames: expected.frames.map((f) => ({ ...f, col: undefined })) };
    const profile = detectAndImportProfile(readInput("node/10.11.0/example.cpuprofile"), "example.cpuprofile");
    expectConforms(profile, noColumns, 1);
  });
});

describe("speedscope conformance: collapsed stacks (importFromBGFlameGraph)", () => {
  const bg = readSnapshotFile("bg-flamegraph.test.ts.snap");
  for (const [entry, expected] of bg) {
    it(`${entry} → ${expected.name}`, () => {
      // Through the detector, which decodes the UTF-16 files from their BOM.
      const profile = detectAndImportProfile(readInput(`stackcollapse/${expected.name}`), expected.name);
      expect(profile.unit).toBe("samples");
      expectConforms(profile, expected, 1);
      expect(importFromCollapsed("no stacks here\n# only a comment\n")).toBeNull();
    });
  }
});

describe("speedscope conformance: linux perf script (importFromLinuxPerf)", () => {
  const perf = readSnapshotFile("linux-tools-perf.test.ts.snap");
  // The snapshot's test is named "simple-with-pids" but the fixture file is "simple-with-pid".
  const fileFor = (name: string): string => (name === "simple-with-pids.linux-perf.txt" ? "simple-with-pid.linux-perf.txt" : name);
  const groups = new Map<string, SnapshotProfile[]>();
  for (const [entry, snap] of perf) {
    const m = /^importFromLinuxPerf (\S+)( chunked)? \d+$/.exec(entry);
    if (!m || m[2]) continue; // "chunked" entries are checked through the streaming test below
    const list = groups.get(m[1]!) ?? [];
    list.push(snap);
    groups.set(m[1]!, list);
  }

  function expectThreadsConform(threads: Array<{ name: string; profile: Profile }>, snaps: SnapshotProfile[], text: string): void {
    expect(threads.map((t) => t.name).sort()).toEqual(snaps.map((s) => s.name).sort());
    for (const snap of snaps) {
      const thread = threads.find((t) => t.name === snap.name)!;
      if (snap.stacks.every((s) => s.kind === "raw")) {
        // Difference 4: a lone sample weighs its period (ns) in µs. Read the period from the text.
        const period = Number(/^\S.*?\d+\.\d+:\s+(\d+)\s/m.exec(text)![1]) / 1000;
        const scaled = { ...snap, stacks: snap.stacks.map((s) => ({ ...s, weight: s.weight * period, tolerance: 1e-6 })) };
        expectConforms(thread.profile, scaled, period);
      } else {
        expectConforms(thread.profile, snap, 1e6); // snapshot frame weights are in seconds
      }
    }
  }

  for (const [name, snaps] of groups) {
    it(`${name}: ${snaps.length} thread profile(s)`, () => {
      const text = readInput(`linux-perf/${fileFor(name)}`).toString("utf8");
      const threads = splitPerfScriptByThread(text, { fileName: name })!;
      expectThreadsConform(threads, snaps, text);
    });
  }

  it("system-wide, streamed in small chunks (the snapshot's 'chunked' entries)", async () => {
    const text = readInput("linux-perf/system-wide.linux-perf.txt");
    const chunked = [...perf.values()].filter((s) => s.entry.startsWith("importFromLinuxPerf system-wide.linux-perf.txt chunked"));
    expect(chunked.length).toBeGreaterThan(0);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < text.length; i += 97) yield text.subarray(i, i + 97);
    }
    // Chunk boundaries fall mid-line and mid-character: the stream must equal the one-shot import.
    const streamed = await importFromPerfScriptStream(chunks(), { fileName: "system-wide.linux-perf.txt" });
    expect(streamed).toEqual(importFromPerfScript(text.toString("utf8"), { fileName: "system-wide.linux-perf.txt" }));
    const threads = splitPerfScriptByThread(text.toString("utf8"))!;
    expectThreadsConform(threads, chunked, text.toString("utf8"));
  });

  it("imports every fixture file, including ones without snapshots, keeping all threads", () => {
    for (const file of readdirSync(path.join(profilesDir, "linux-perf"))) {
      const text = readInput(`linux-perf/${file}`).toString("utf8");
      const profile = detectAndImportProfile(text, file);
      const perThread = splitPerfScriptByThread(text, { weighting: PERF_ANALYSIS_WEIGHTING })!;
      const threadTotal = perThread.reduce((a, t) => a + t.profile.samples.weight.reduce((x, y) => x + y, 0), 0);
      expect(profile.samples.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(threadTotal, 3);
      expect(profile.samples.stack.length).toBeGreaterThan(0);
    }
  });
});
