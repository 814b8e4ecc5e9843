import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "../builder.js";
import { weightToMs, type Profile } from "../model.js";
import { importFromCollapsed } from "../import/collapsed.js";
import { importFromCpuProfile } from "../import/cpuprofile.js";
import { detectAndImportProfile } from "../import/index.js";
import { importFromPerfScript } from "../import/perf-script.js";
import { FIXTURES } from "../import/test-helpers/speedscope-snapshot.js";
import { exportToCollapsed, foldProfileStacks } from "./collapsed.js";
import { exportToCpuProfile } from "./cpuprofile.js";
import { exportToPerfScript } from "./perf-script.js";
import { exportToPerfscopeJson } from "./perfscope-json.js";

/** A mixed profile: JS with locations, native, kernel, GC, an anonymous function, recursion. */
function mixedProfile(): Profile {
  const b = new ProfileBuilder("microseconds", { name: "mixed" });
  const main = { name: "main", file: "/srv/app.js", line: 3, column: 1 };
  const anon = { name: "(anonymous)", file: "/srv/app.js", line: 9, column: 14 };
  const native = { name: "uv_run", file: "/usr/bin/node", kind: "native" as const };
  const kernel = { name: "do_syscall_64", file: "[kernel.kallsyms]", kind: "kernel" as const };
  const gc = { name: "(garbage collector)", kind: "gc" as const };
  b.addStack([native, main, anon], 1000, 0);
  b.addStack([native, main, anon, anon], 2500, 1000);
  b.addStack([native, kernel], 750, 3500);
  b.addStack([gc], 250, 4250);
  b.addStack([native, main], 1000, 4500);
  return b.build();
}

/** Stacks with their frame identities and weights in ms, for comparing across unit changes. */
function foldedMs(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, w] of foldProfileStacks(p)) out.set(k, Math.round((weightToMs(p.unit, w) ?? w) * 1e6) / 1e6);
  return out;
}

const fixtures = [
  "Chrome/65/simple.cpuprofile",
  "node/10.11.0/example.cpuprofile",
  "linux-perf/forks.linux-perf.txt",
  "stackcollapse/perf-vertx-stacks-01-collapsed-all.txt",
];

describe("exporters round-trip through our importers", () => {
  it("cpuprofile keeps stacks, frames and weights", () => {
    const p = mixedProfile();
    const json = JSON.parse(JSON.stringify(exportToCpuProfile(p))) as unknown;
    const back = importFromCpuProfile(json)!;
    expect(foldedMs(back)).toEqual(foldedMs(p));
    expect(back.frames.map((f) => [f.name, f.file, f.line, f.column]).sort()).toEqual(p.frames.map((f) => [f.name, f.file, f.line, f.column]).sort());
  });

  it("perf script keeps stacks and weights (period weighting) and frame kinds", () => {
    const p = mixedProfile();
    const back = importFromPerfScript(exportToPerfScript(p), { weighting: "period" })!;
    expect(foldedMs(back)).toEqual(foldedMs(p));
    const kinds = (x: Profile): string[] => x.frames.map((f) => `${f.name}:${f.kind}`).sort();
    expect(kinds(back)).toEqual(kinds(p));
  });

  it("collapsed keeps stacks and weights, JS locations and kernel frames", () => {
    const p = mixedProfile();
    const text = exportToCollapsed(p);
    expect(text).toContain("uv_run;do_syscall_64_[k] 750\n");
    expect(foldedMs(importFromCollapsed(text)!)).toEqual(new Map([...foldProfileStacks(p)].map(([k, w]) => [k, Math.round(w * 1e6) / 1e6])));
  });

  it("perfscope JSON is lossless", () => {
    const p = mixedProfile();
    expect(detectAndImportProfile(exportToPerfscopeJson(p), "p.json")).toEqual(p);
  });

  it.each(fixtures)("real profile %s survives every exporter", (rel) => {
    const file = path.join(FIXTURES, "profiles", rel);
    const p = detectAndImportProfile(readFileSync(file), path.basename(file));
    const expected = foldedMs(p);
    expect(foldedMs(importFromCpuProfile(exportToCpuProfile(p))!)).toEqual(expected);
    const viaPerf = foldedMs(importFromPerfScript(exportToPerfScript(p), { weighting: "period" })!);
    // Periods are whole nanoseconds, so allow that rounding.
    for (const [k, w] of expected) expect(Math.abs((viaPerf.get(k) ?? -1) - w)).toBeLessThan(1e-5 * Math.max(1, foldProfileStacks(p).size));
    expect([...viaPerf.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(detectAndImportProfile(exportToPerfscopeJson(p), "x.json")).toEqual(p);
  });
});
