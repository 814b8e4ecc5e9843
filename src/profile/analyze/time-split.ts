import type { Analyzer, Finding } from "../../core/finding.js";
import { wilsonInterval } from "../../core/stats.js";
import type { ProfileFacts } from "./facts.js";

/** GC above this share of busy time is worth acting on. */
export const GC_SHARE_LIMIT = 0.1;
/** A process idle for more than this share of the profile is not CPU-bound. */
export const IDLE_SHARE_LIMIT = 0.5;

export const timeSplit: Analyzer<ProfileFacts> = {
  meta: { id: "time-split", title: "Where time went: idle, GC, kernel, native, JS", requires: ["frame kinds"] },
  analyze(facts) {
    const findings: Finding[] = [];
    const { split, totalWeight, busyWeight, sampleCount } = facts;
    if (totalWeight <= 0) return findings;
    const idleShare = split.idle / totalWeight;
    if (idleShare > IDLE_SHARE_LIMIT) {
      findings.push({
        status: "ok",
        id: "time-split/idle",
        title: `The process was idle ${(idleShare * 100).toFixed(0)}% of the time`,
        severity: "info",
        metric: { name: "idle share", value: idleShare, unit: "fraction" },
        evidence: { metrics: [{ name: "idle", value: split.idle, unit: facts.profile.unit }] },
        suggestion:
          "CPU is not the bottleneck here: the program waits (I/O, timers, locks). Profile under load, or look at I/O latency and event-loop delay.",
      });
    }
    if (busyWeight > 0) {
      const gcShare = split.gc / busyWeight;
      if (gcShare > GC_SHARE_LIMIT) {
        const ci = wilsonInterval(Math.round(gcShare * sampleCount), sampleCount);
        findings.push({
          status: "ok",
          id: "time-split/gc",
          title: `Garbage collection takes ${(gcShare * 100).toFixed(1)}% of CPU time`,
          severity: gcShare > 0.25 ? "high" : "medium",
          metric: { name: "gc share of busy time", value: gcShare, unit: "fraction" },
          evidence: {
            metrics: [
              { name: "gc share 95% CI low", value: ci.low, unit: "fraction" },
              { name: "gc share 95% CI high", value: ci.high, unit: "fraction" },
            ],
          },
          suggestion: "Allocation pressure: reuse objects and buffers in hot loops, avoid building temporary arrays and strings, and check heap size limits (--max-semi-space-size for many short-lived objects).",
        });
      }
      const kernelShare = split.kernel / busyWeight;
      if (kernelShare > 0.2) {
        findings.push({
          status: "ok",
          id: "time-split/kernel",
          title: `The kernel takes ${(kernelShare * 100).toFixed(1)}% of CPU time`,
          severity: "medium",
          metric: { name: "kernel share of busy time", value: kernelShare, unit: "fraction" },
          evidence: {},
          suggestion: "Many system calls or page faults: batch small reads and writes, reuse connections, and check the kernel frames' callers in the flame graph.",
        });
      }
    }
    return findings;
  },
};
