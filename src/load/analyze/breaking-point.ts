/**
 * Breaking-point search: run increasing load levels and stop at the first one where the
 * system degrades. Every rule is a plain comparison whose numbers go into `evidence`, so a
 * reader can check the verdict by hand. A level is degraded when:
 *   1. its error rate is above the limit (1%), or
 *   2. its p95 is above the SLO (when one is given), or
 *   3. latency bends up: p95 is over 2× the best earlier p95 while throughput rose < 10%, or
 *   4. throughput stops rising: it rose by less than half of the added load (+100% load →
 *      under +50%) while p50 or p95 grew over 25% on the previous level.
 * Below the knee throughput tracks the load; past it, by Little's law, the extra load turns
 * into waiting, which is what rules 3 and 4 look for.
 */
import { PerfError } from "../../core/errors.js";
import type { LoadResult } from "../model.js";
import { errorRateOf } from "./thresholds.js";

export interface BreakingPointRules {
  /** Error rate above this fraction is a breach (default 0.01). */
  errorRateLimit?: number;
  /** p95 SLO in ms; above it is a breach (optional). */
  latencyLimitMs?: number;
  /** "Latency bends up": p95 above this multiple of the best earlier p95 (default 2). */
  latencyBendFactor?: number;
  /** "Latency bends up" also needs throughput to rise less than this fraction (or half the added load, if smaller) (default 0.1). */
  minThroughputGain?: number;
  /** "Throughput stops rising": it rose by less than this share of the added load, e.g. +40% for +100% load at 0.5 (default 0.5). */
  minScalingEfficiency?: number;
  /** "Latency grows": p95 above the previous level's by this fraction (default 0.25)… */
  latencyGrowth?: number;
  /** …and by at least this many ms, so sub-millisecond jitter is not growth (default 0.5). */
  minLatencyDeltaMs?: number;
}

export interface BreakingPointOptions extends BreakingPointRules {
  levels: number[];
  run: (level: number) => Promise<LoadResult>;
  onLevel?: (level: number, result: LoadResult, verdict: LevelVerdict) => void;
  signal?: AbortSignal;
}

export interface LevelVerdict {
  level: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  verdict: "ok" | "degraded";
  /** The rules that fired at this level, in words with their numbers. */
  reasons: string[];
}

export interface BreakingPointResult {
  /** The first degraded level, or null if every level held. */
  breakingLevel: number | null;
  /** The last level before it that held (null if the first level already degraded). */
  lastGoodLevel: number | null;
  /** The first rule that fired, in words. */
  reason: string | null;
  levels: LevelVerdict[];
  evidence: string[];
  /** Set when the search stopped early (aborted) before reaching a verdict. */
  stopped: string | null;
}

const f1 = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));
const pctText = (n: number) => `${(n * 100).toFixed(1)}%`;
const signedPct = (n: number) => `${n >= 0 ? "+" : ""}${pctText(n)}`;

/** Parses "10,50,100" (or spaces) into increasing positive levels; throws USAGE otherwise. */
export function levelsFromSteps(steps: string): number[] {
  const parts = steps.split(/[\s,]+/).filter((p) => p.length > 0);
  const levels = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(levels[i]) || levels[i]! <= 0);
  const hint = 'Give increasing positive numbers separated by commas, e.g. "--step 10,50,100,200".';
  if (parts.length === 0) throw new PerfError("USAGE", `Load steps "${steps}" contain no levels`, { hint });
  if (bad !== undefined) throw new PerfError("USAGE", `Load steps "${steps}": "${bad}" is not a positive number`, { hint });
  for (let i = 1; i < levels.length; i++) {
    if (levels[i]! <= levels[i - 1]!) throw new PerfError("USAGE", `Load steps "${steps}" must increase: ${levels[i]} follows ${levels[i - 1]}`, { hint });
  }
  return levels;
}

function summarise(level: number, r: LoadResult): LevelVerdict {
  return { level, throughput: r.throughput, p50: r.latency.p50, p95: r.latency.p95, p99: r.latency.p99, errorRate: errorRateOf(r), verdict: "ok", reasons: [] };
}

/** Applies the rules to `current` given the levels before it; returns the reasons that fired (empty = ok). */
export function judgeLevel(current: LevelVerdict, earlier: readonly LevelVerdict[], rules: BreakingPointRules = {}): string[] {
  const errorRateLimit = rules.errorRateLimit ?? 0.01;
  const bendFactor = rules.latencyBendFactor ?? 2;
  const minGain = rules.minThroughputGain ?? 0.1;
  const growth = rules.latencyGrowth ?? 0.25;
  const minDelta = rules.minLatencyDeltaMs ?? 0.5;
  const reasons: string[] = [];
  const c = current;
  if (c.errorRate > errorRateLimit) reasons.push(`errors: ${pctText(c.errorRate)} of requests failed at level ${c.level}, above the ${pctText(errorRateLimit)} limit`);
  if (rules.latencyLimitMs !== undefined && c.p95 > rules.latencyLimitMs) {
    reasons.push(`SLO: p95 ${f1(c.p95)} ms at level ${c.level} is above the ${f1(rules.latencyLimitMs)} ms limit`);
  }
  const prev = earlier[earlier.length - 1];
  if (!prev) return reasons;
  const efficiency = rules.minScalingEfficiency ?? 0.5;
  const loadGain = c.level / prev.level - 1;
  const tputGain = prev.throughput > 0 ? c.throughput / prev.throughput - 1 : c.throughput > 0 ? Infinity : 0;
  const gainText = `throughput ${f1(prev.throughput)} → ${f1(c.throughput)} req/s (${tputGain >= 0 ? "+" : ""}${pctText(tputGain)}) for ${pctText(loadGain)} more load`;
  // Rule 3, latency bends up: p95 well above the best seen, and the extra load bought almost no throughput.
  // A small load step can only buy a small throughput step, so the bar is at most half the added load.
  const flatGain = Math.min(minGain, loadGain / 2);
  const best = earlier.reduce((a, b) => (b.p95 < a.p95 ? b : a));
  if (tputGain < flatGain && c.p95 > best.p95 * bendFactor && c.p95 - best.p95 >= minDelta) {
    reasons.push(`latency bends up: p95 ${f1(c.p95)} ms at level ${c.level} is ${(c.p95 / best.p95).toFixed(1)}× the best earlier p95 (${f1(best.p95)} ms at level ${best.level}) while ${gainText} (under +${pctText(flatGain)})`);
  }
  // Rule 4, throughput stops rising: the load grew but throughput grew much less, and requests waited longer
  // for it. Latency growth counts at p50 or p95: past the knee the whole distribution shifts, and p50 is the
  // steadier witness when a noisy tail at the previous level hides the shift at p95.
  const neededGain = loadGain * efficiency;
  const grew = (now: number, before: number) => now > before * (1 + growth) && now - before >= minDelta;
  if (tputGain < neededGain && (grew(c.p50, prev.p50) || grew(c.p95, prev.p95))) {
    reasons.push(
      `throughput stops rising: ${gainText}, less than ${pctText(efficiency)} of the added load (+${pctText(neededGain)}), while latency grew: p50 ${f1(prev.p50)} → ${f1(c.p50)} ms (${signedPct(c.p50 / prev.p50 - 1)}), p95 ${f1(prev.p95)} → ${f1(c.p95)} ms (${signedPct(c.p95 / prev.p95 - 1)})`,
    );
  }
  return reasons;
}

/** Runs the levels in order, stopping after the first degraded one. */
export async function findBreakingPoint(options: BreakingPointOptions): Promise<BreakingPointResult> {
  if (options.levels.length === 0) throw new PerfError("USAGE", "Breaking-point search needs at least one load level", { hint: 'Pass levels, e.g. levelsFromSteps("10,50,100").' });
  const levels: LevelVerdict[] = [];
  const evidence: string[] = [];
  for (const level of options.levels) {
    if (options.signal?.aborted) return finish(levels, evidence, `aborted before level ${level}`);
    const result = await options.run(level);
    const verdict = summarise(level, result);
    verdict.reasons = judgeLevel(verdict, levels, options);
    verdict.verdict = verdict.reasons.length > 0 ? "degraded" : "ok";
    evidence.push(
      `level ${level}: ${f1(verdict.throughput)} req/s, p50 ${f1(verdict.p50)} ms, p95 ${f1(verdict.p95)} ms, p99 ${f1(verdict.p99)} ms, errors ${pctText(verdict.errorRate)}${result.generator.saturated ? " (load generator saturated: treat with care)" : ""}`,
    );
    evidence.push(...verdict.reasons);
    levels.push(verdict);
    options.onLevel?.(level, result, verdict);
    if (verdict.verdict === "degraded") break;
    // A run cut short by Ctrl-C is not a full level: stop with what we have.
    if (result.partial) return finish(levels, evidence, `level ${level} ended early: ${result.partial.reason}`);
  }
  return finish(levels, evidence, null);
}

function finish(levels: LevelVerdict[], evidence: string[], stopped: string | null): BreakingPointResult {
  const broken = levels.findIndex((l) => l.verdict === "degraded");
  if (broken < 0) {
    if (stopped) evidence.push(`stopped: ${stopped}`);
    else if (levels.length > 0) evidence.push(`no level degraded up to ${levels[levels.length - 1]!.level}: try higher levels`);
    return { breakingLevel: null, lastGoodLevel: levels.length > 0 ? levels[levels.length - 1]!.level : null, reason: null, levels, evidence, stopped };
  }
  const b = levels[broken]!;
  return { breakingLevel: b.level, lastGoodLevel: broken > 0 ? levels[broken - 1]!.level : null, reason: b.reasons[0] ?? null, levels, evidence, stopped };
}
