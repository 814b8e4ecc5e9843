import type { Analyzer, Finding, Severity } from "../../core/finding.js";
import { wilsonInterval } from "../../core/stats.js";
import { stackFrames } from "../model.js";
import type { ProfileFacts } from "./facts.js";
import { displayFile, formatFrameLocation } from "../format.js";

/** A function is a bottleneck worth a finding when its own code takes this share of busy time. */
export const HOTSPOT_MIN_SHARE = 0.05;

function severityForShare(share: number): Severity {
  if (share >= 0.4) return "critical";
  if (share >= 0.2) return "high";
  if (share >= 0.1) return "medium";
  return "low";
}

function suggestFor(kind: string, name: string, location: string | null, callerName: string | null): string {
  const where = location ? ` at ${location}` : "";
  switch (kind) {
    case "gc":
      return "Reduce allocation in the hot paths (reuse objects and buffers, avoid temporary arrays/strings in loops); take an allocation profile to see who allocates.";
    case "kernel":
      return `Time in the kernel (${name}): look for excessive system calls, small reads/writes or page faults from the callers; batch I/O.`;
    case "program":
      return "V8 spent this time outside JS (compilation, runtime, native code without symbols); profile with --collector perf to see native frames.";
    case "native":
      return `Native code ${name}${where}${callerName ? `, called from ${callerName}` : ""}: check why the caller invokes it so often or with large inputs.`;
    default:
      return `Optimise ${name}${where}: it runs its own code for this share of CPU time. Look at its loops, allocations and algorithmic complexity${callerName ? `, and whether ${callerName} needs to call it this often` : ""}.`;
  }
}

export const cpuHotspots: Analyzer<ProfileFacts> = {
  meta: { id: "cpu-hotspots", title: "Functions that take the most CPU time themselves", requires: ["samples with stacks"] },
  analyze(facts) {
    const { profile, tree, functions } = facts;
    const busy = facts.busyWeight;
    if (busy <= 0) return [];
    // The heaviest node of each function gives its typical caller as evidence.
    const heaviestNode = new Map<number, number>();
    for (let n = 0; n < tree.self.length; n++) {
      const f = profile.stacks.frame[n]!;
      const best = heaviestNode.get(f);
      if (best === undefined || tree.self[n]! > tree.self[best]!) heaviestNode.set(f, n);
    }
    const findings: Finding[] = [];
    const ranked = functions
      .filter((s) => profile.frames[s.frame]!.kind !== "idle" && s.self > 0)
      .sort((a, b) => b.self - a.self);
    for (const stat of ranked) {
      const share = stat.self / busy;
      if (share < HOTSPOT_MIN_SHARE) break;
      const frame = profile.frames[stat.frame]!;
      const node = heaviestNode.get(stat.frame);
      const path = node === undefined ? [] : stackFrames(profile, node).map((i) => profile.frames[i]!.name);
      const caller = path.length >= 2 ? path[path.length - 2]! : null;
      const ci = wilsonInterval(Math.round(share * facts.sampleCount), facts.sampleCount);
      const selfMs = facts.toMs(stat.self);
      const location = formatFrameLocation(frame) || null;
      findings.push({
        status: "ok",
        id: `cpu-hotspots/${frame.name}`,
        title: `${frame.name} takes ${(share * 100).toFixed(1)}% of CPU time`,
        severity: severityForShare(share),
        metric: { name: "self share of busy time", value: share, unit: "fraction" },
        evidence: {
          metrics: [
            { name: "self share 95% CI low", value: ci.low, unit: "fraction" },
            { name: "self share 95% CI high", value: ci.high, unit: "fraction" },
            ...(selfMs !== null ? [{ name: "self time", value: selfMs, unit: "ms" }] : []),
            { name: "samples", value: facts.sampleCount, unit: "count" },
          ],
          frames: [{ name: frame.name, ...(frame.file ? { file: displayFile(frame.file)! } : {}), ...(frame.line !== undefined ? { line: frame.line } : {}), share }],
          stacks: path.length > 0 ? [path.join(" > ")] : [],
        },
        suggestion: suggestFor(frame.kind, frame.name, location, caller),
      });
    }
    return findings;
  },
};
