import { compareFindingsBySeverity, runAnalyzers, type Analyzer, type Finding } from "../../core/finding.js";
import { wilsonInterval } from "../../core/stats.js";
import { stackFrames, type FrameKind, type Profile, type ProfileUnit } from "../model.js";
import { cpuHotspots } from "./cpu-hotspots.js";
import { gatherProfileFacts, type ProfileFacts } from "./facts.js";
import { displayFile } from "../format.js";
import { timeSplit } from "./time-split.js";

export const PROFILE_ANALYZERS: ReadonlyArray<Analyzer<ProfileFacts>> = [cpuHotspots, timeSplit];

export interface Bottleneck {
  rank: number;
  function: string;
  file: string | null;
  line: number | null;
  column: number | null;
  kind: FrameKind;
  /** Weight in the profile's unit spent in the function's own code. */
  self: number;
  total: number;
  /** Self and total in milliseconds when the profile measures time. */
  selfMs: number | null;
  totalMs: number | null;
  /** Shares of busy (non-idle) weight; recursion counted once in total. */
  selfShare: number;
  totalShare: number;
  /** 95% Wilson interval of selfShare from the number of samples. */
  selfShareCi: [number, number];
}

export interface HeavyPath {
  stack: string[];
  weight: number;
  share: number;
}

export interface ProfileAnalysis {
  version: 1;
  profile: {
    name: string | null;
    target: string | null;
    collector: string | null;
    unit: ProfileUnit;
    samples: number;
    frames: number;
    totalWeight: number;
    totalMs: number | null;
    busyMs: number | null;
    durationMs: number | null;
    sampleRateHz: number | null;
    partial: string | null;
  };
  /** Share of the total weight by the kind of the leaf frame. */
  split: Record<FrameKind | "unknown", number>;
  bottlenecks: Bottleneck[];
  heaviestPaths: HeavyPath[];
  findings: Finding[];
}

export interface AnalyzeOptions {
  /** How many bottlenecks and paths to list (default 10). */
  top?: number;
}

function listBottlenecks(facts: ProfileFacts, top: number): Bottleneck[] {
  const { profile, busyWeight, sampleCount } = facts;
  const denom = busyWeight > 0 ? busyWeight : 1;
  return facts.functions
    .filter((s) => s.self > 0 && profile.frames[s.frame]!.kind !== "idle")
    .sort((a, b) => b.self - a.self || b.total - a.total)
    .slice(0, top)
    .map((s, i) => {
      const f = profile.frames[s.frame]!;
      const selfShare = s.self / denom;
      const ci = wilsonInterval(Math.round(selfShare * sampleCount), sampleCount);
      return {
        rank: i + 1,
        function: f.name,
        file: displayFile(f.file),
        line: f.line ?? null,
        column: f.column ?? null,
        kind: f.kind,
        self: s.self,
        total: s.total,
        selfMs: facts.toMs(s.self),
        totalMs: facts.toMs(s.total),
        selfShare,
        totalShare: s.total / denom,
        selfShareCi: [ci.low, ci.high],
      };
    });
}

function listHeaviestPaths(facts: ProfileFacts, top: number): HeavyPath[] {
  const { profile, tree } = facts;
  const order = Array.from(tree.self.keys())
    .filter((n) => tree.self[n]! > 0 && profile.frames[profile.stacks.frame[n]!]!.kind !== "idle")
    .sort((a, b) => tree.self[b]! - tree.self[a]!)
    .slice(0, top);
  const denom = facts.busyWeight > 0 ? facts.busyWeight : 1;
  return order.map((n) => ({
    stack: stackFrames(profile, n).map((f) => profile.frames[f]!.name),
    weight: tree.self[n]!,
    share: tree.self[n]! / denom,
  }));
}

/** Analyses a profile offline: bottlenecks, heaviest paths, time split, and findings. */
export function analyzeProfile(profile: Profile, options: AnalyzeOptions = {}): ProfileAnalysis {
  const top = options.top ?? 10;
  const facts = gatherProfileFacts(profile);
  const total = facts.totalWeight > 0 ? facts.totalWeight : 1;
  const split = Object.fromEntries(Object.entries(facts.split).map(([k, v]) => [k, v / total])) as ProfileAnalysis["split"];
  const findings = runAnalyzers(PROFILE_ANALYZERS, facts).sort(compareFindingsBySeverity);
  const m = profile.meta;
  return {
    version: 1,
    profile: {
      name: m.name ?? null,
      target: m.target ?? null,
      collector: m.collector ?? null,
      unit: profile.unit,
      samples: profile.samples.stack.length,
      frames: profile.frames.length,
      totalWeight: facts.totalWeight,
      totalMs: facts.toMs(facts.totalWeight),
      busyMs: facts.toMs(facts.busyWeight),
      durationMs: m.durationMs ?? null,
      sampleRateHz: m.sampleRateHz ?? null,
      partial: m.partial?.reason ?? null,
    },
    split,
    bottlenecks: listBottlenecks(facts, top),
    heaviestPaths: listHeaviestPaths(facts, top),
    findings,
  };
}
