import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "../builder.js";
import { analyzeProfile, PROFILE_ANALYZERS } from "./analyze-profile.js";
import { runAnalyzers } from "../../core/finding.js";
import { gatherProfileFacts } from "./facts.js";

function plantedProfile() {
  const b = new ProfileBuilder("microseconds", { name: "planted" });
  let t = 0;
  const add = (names: string[], kind?: "idle" | "gc") => {
    b.addStack(names.map((name, i) => ({ name, file: "/app.js", line: i + 1, ...(i === names.length - 1 && kind ? { kind } : {}) })), 1000, t);
    t += 1000;
  };
  for (let i = 0; i < 600; i++) add(["main", "handle", "hashPassword"]);
  for (let i = 0; i < 200; i++) add(["main", "handle", "parse"]);
  for (let i = 0; i < 20; i++) add(["main", "log"]);
  for (let i = 0; i < 150; i++) add(["(garbage collector)"], "gc");
  for (let i = 0; i < 1000; i++) add(["(idle)"], "idle");
  return b.build();
}

describe("analyzeProfile", () => {
  it("ranks the planted hotspot first, with a share interval that contains the truth", () => {
    const a = analyzeProfile(plantedProfile());
    expect(a.bottlenecks[0]!.function).toBe("hashPassword");
    const truth = 600 / 970;
    expect(a.bottlenecks[0]!.selfShare).toBeCloseTo(truth, 5);
    expect(a.bottlenecks[0]!.selfShareCi[0]).toBeLessThan(truth);
    expect(a.bottlenecks[0]!.selfShareCi[1]).toBeGreaterThan(truth);
    expect(a.bottlenecks.map((b) => b.function)).not.toContain("(idle)");
    expect(a.heaviestPaths[0]!.stack).toEqual(["main", "handle", "hashPassword"]);
    expect(a.profile.totalMs).toBe(1970);
    expect(a.split.idle).toBeCloseTo(1000 / 1970, 5);
  });

  it("bases the interval on busy samples only: idle samples do not narrow it", () => {
    const a = analyzeProfile(plantedProfile());
    const withoutIdle = plantedProfile();
    // The same busy samples without the 1000 idle ones: the interval must not change.
    const keep = withoutIdle.samples.stack.map((n, i) => (withoutIdle.frames[withoutIdle.stacks.frame[n]!]!.kind === "idle" ? -1 : i)).filter((i) => i >= 0);
    withoutIdle.samples = { stack: keep.map((i) => withoutIdle.samples.stack[i]!), weight: keep.map((i) => withoutIdle.samples.weight[i]!), time: null };
    expect(analyzeProfile(withoutIdle).bottlenecks[0]!.selfShareCi).toEqual(a.bottlenecks[0]!.selfShareCi);
  });

  it("gives a finding per real bottleneck and none for small functions", () => {
    const a = analyzeProfile(plantedProfile());
    const ids = a.findings.map((f) => f.id);
    expect(ids).toContain("cpu-hotspots/hashPassword");
    expect(ids).toContain("cpu-hotspots/parse");
    expect(ids).not.toContain("cpu-hotspots/log");
    expect(ids).toContain("time-split/gc");
    const top = a.findings.find((f) => f.id === "cpu-hotspots/hashPassword");
    expect(top?.status === "ok" && top.severity).toBe("critical");
  });

  it("keeps the report when one analyzer throws", () => {
    const broken = { meta: { id: "broken", title: "Broken", requires: [] }, analyze: () => { throw new Error("boom"); } };
    const findings = runAnalyzers([broken, ...PROFILE_ANALYZERS], gatherProfileFacts(plantedProfile()));
    expect(findings[0]).toMatchObject({ status: "error", id: "broken", error: "boom" });
    expect(findings.some((f) => f.id === "cpu-hotspots/hashPassword")).toBe(true);
  });
});
