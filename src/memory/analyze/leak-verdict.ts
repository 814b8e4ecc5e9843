/**
 * The leak verdict. A GC sawtooth makes raw samples rise and fall by tens of megabytes in a
 * healthy process, so "grew 20%" says little. This judges the floor instead (the lows, see
 * leak-lows.ts): a leak is a floor that keeps rising, significantly (Mann–Kendall), surely
 * (Theil–Sen interval above zero), steeply enough to matter, over a long enough watch,
 * and still rising in the later half (a cache that warms up and then stays is not a leak).
 */
import { PerfError } from "../../core/errors.js";
import { formatBytes } from "../../core/units.js";
import type { LeakVerdict, LeakVerdictState, MemorySeries } from "../model.js";
import { extractMemoryLows, majorGcFloors, valueOf, type LeakMetric, type MemoryLow } from "./leak-lows.js";
import { estimateTheilSen, testMannKendall, type MannKendallResult, type TheilSenResult } from "./trend-tests.js";

export interface DetectLeakOptions {
  /** Shortest watch that can give a verdict, ms (default 30 s). */
  minDurationMs?: number;
  /**
   * Smallest growth of the lows called a leak, bytes per minute. Default 64 KB/min: the
   * post-GC heap of a healthy Node process wanders by tens of KB (survivors of the young
   * generation, code and feedback caches), so over a watch of a minute or two slower growth
   * cannot be told from that wander; and 64 KB/min is ~90 MB a day, the rate from which
   * a restart-free service usually notices. Lower it for watches of hours.
   */
  minSlopePerMinute?: number;
  /** Significance level of the Mann–Kendall test (default 0.01). */
  alpha?: number;
  /** Default: heapUsed when the series has it, else rss. */
  metric?: LeakMetric;
  /** Fewest lows to judge a trend on (default 8; below 6 no monotone series reaches p < 0.01). */
  minLows?: number;
}

export const DEFAULT_MIN_SLOPE_PER_MINUTE = 64 * 1024;
const MINUTE_MS = 60_000;
/** The later half must hold this many lows for the plateau check. */
const MIN_RECENT_LOWS = 6;

interface Trend {
  mk: MannKendallResult;
  ts: TheilSenResult;
}

function trendOf(lows: readonly MemoryLow[], t0: number): Trend {
  const values = lows.map((l) => l.value);
  return { mk: testMannKendall(values), ts: estimateTheilSen(lows.map((l) => (l.at - t0) / MINUTE_MS), values) };
}

/** Bytes per request: the slope of the lows against the request count, when load was applied. */
function growthPerRequest(lows: readonly MemoryLow[]): number | null {
  const withRequests = lows.filter((l) => l.requests !== null);
  if (new Set(withRequests.map((l) => l.requests)).size < 3) return null;
  const ts = estimateTheilSen(
    withRequests.map((l) => l.requests!),
    withRequests.map((l) => l.value),
  );
  return Number.isFinite(ts.slope) ? ts.slope : null;
}

const perMin = (v: number): string => `${v < 0 ? "-" : ""}${formatBytes(Math.abs(v))}/min`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function detectLeak(series: MemorySeries, options: DetectLeakOptions = {}): LeakVerdict {
  const minDurationMs = options.minDurationMs ?? 30_000;
  const minSlope = options.minSlopePerMinute ?? DEFAULT_MIN_SLOPE_PER_MINUTE;
  const alpha = options.alpha ?? 0.01;
  const minLows = Math.max(3, options.minLows ?? 8);
  const hasHeap = series.samples.some((s) => s.heapUsed !== null);
  const metric = options.metric ?? (hasHeap ? "heapUsed" : "rss");
  if (metric === "heapUsed" && !hasHeap) {
    throw new PerfError("USAGE", `detectLeak: metric "heapUsed" asked for, but no sample of pid ${series.pid} has a V8 heap figure`, {
      where: { pid: series.pid },
      hint: 'Use metric: "rss" for processes watched through /proc only, or watch the Node process through the inspector.',
    });
  }
  const times = series.samples.map((s) => s.at);
  const durationMs = times.length > 1 ? Math.max(...times) - Math.min(...times) : 0;
  const found = extractMemoryLows(series, metric, minLows);
  const { lows } = found;
  const t0 = lows[0]?.at ?? 0;
  const trend = lows.length >= 3 ? trendOf(lows, t0) : null;
  const base = {
    basis: found.basis,
    points: lows.length,
    durationMs,
    slopePerMinute: trend?.ts.slope ?? 0,
    slopeCi: trend ? { ...trend.ts.ci } : { low: 0, high: 0 },
    perRequest: growthPerRequest(lows),
    mannKendall: trend ? { s: trend.mk.s, z: trend.mk.z, pValue: trend.mk.pValue, tau: trend.mk.tau } : { s: 0, z: 0, pValue: 1, tau: 0 },
    recent: null,
  };

  if (durationMs < minDurationMs || lows.length < minLows || !trend) {
    const needs: string[] = [];
    if (durationMs < minDurationMs) needs.push(`${seconds(minDurationMs - durationMs)} more watching (watched ${seconds(durationMs)}, need ${seconds(minDurationMs)})`);
    if (lows.length < minLows) {
      const missing = minLows - lows.length;
      const rate = lows.length > 1 && durationMs > 0 ? lows.length / durationMs : 0;
      const eta = rate > 0 ? `, about ${seconds(missing / rate)} more at the rate seen` : "";
      needs.push(`${missing} more lows (have ${lows.length} of ${minLows}${eta})`);
    }
    return { state: "not-enough-data", ...base, reason: `Not enough data for a trend on ${found.basis}: need ${needs.join(" and ")}.` };
  }

  const { mk, ts } = trend;
  const trendText = `lows rise ${perMin(ts.slope)} (95% CI ${perMin(ts.ci.low)} to ${perMin(ts.ci.high)}), Mann–Kendall p = ${mk.pValue.toPrecision(2)}, tau = ${mk.tau.toFixed(2)} over ${lows.length} lows in ${seconds(durationMs)}${base.perRequest === null ? "" : `, ${base.perRequest.toFixed(0)} B per request`}`;
  const failed: string[] = [];
  if (!(mk.pValue < alpha && mk.s > 0)) failed.push(`no significant upward trend (needs p < ${alpha})`);
  if (!(ts.ci.low > 0)) failed.push("the slope's interval reaches zero");
  if (!(ts.slope > minSlope)) failed.push(`slope below the ${perMin(minSlope)} floor`);
  if (failed.length > 0) return { state: "no-leak", ...base, reason: `No leak: ${failed.join("; ")}. Basis: ${found.basis}; ${trendText}.` };

  // A leak keeps its slope; a warming cache flattens. Judge the later half on its own.
  const fromAt = t0 + (lows[lows.length - 1]!.at - t0) / 2;
  const later = lows.filter((l) => l.at >= fromAt);
  let recent: LeakVerdict["recent"] = null;
  let recentText = "too few lows in the later half to check for a plateau";
  if (later.length >= MIN_RECENT_LOWS) {
    const r = trendOf(later, t0);
    recent = { fromAt, points: later.length, slopePerMinute: r.ts.slope, slopeCi: { ...r.ts.ci }, pValue: r.mk.pValue };
    recentText = `later half ${perMin(r.ts.slope)} (95% CI ${perMin(r.ts.ci.low)} to ${perMin(r.ts.ci.high)}, p = ${r.mk.pValue.toPrecision(2)}, ${later.length} lows)`;
    const surelyBelowFloor = r.ts.ci.high < minSlope;
    const flattened = r.ts.slope < 0.25 * ts.slope && !(r.mk.pValue < alpha && r.mk.s > 0);
    if (surelyBelowFloor || flattened) {
      const why = surelyBelowFloor ? `its interval lies below the ${perMin(minSlope)} floor` : "under a quarter of the overall slope and no significant trend";
      return { state: "no-leak", ...base, recent, reason: `No leak: grew then plateaued (a warming cache or pool, not a leak): overall ${trendText}, but ${recentText}: ${why}. Basis: ${found.basis}.` };
    }
  }
  const leakText = `${trendText}, above the ${perMin(minSlope)} floor; ${recentText}`;
  if (found.kind === "window-minima" && hasHeap) {
    const check = checkMajorGcFloors(series, metric, fromAt, recent?.slopePerMinute ?? ts.slope, minSlope);
    if (check.state !== "leak") return { state: check.state, ...base, recent, reason: `${check.text}: ${leakText}. Basis: ${found.basis}.` };
    return { state: "leak", ...base, recent, reason: `Leak: ${leakText}; ${check.text}. Basis: ${found.basis}.` };
  }
  return { state: "leak", ...base, recent, reason: `Leak: ${leakText}. Basis: ${found.basis}.` };
}

/**
 * Between major GCs the minor-GC floor of a V8 heap rises in a healthy process too:
 * objects promoted to the old generation stay counted until a major GC. So a rise in
 * window minima is a leak only when the floors measured at major GCs rise as well, at
 * least half as fast (and above the floor rate), over the later half that is still rising:
 * its major GCs, anchored by the last one before it (a cache that filled early had its
 * rise confirmed then, not its later creep).
 */
function checkMajorGcFloors(series: MemorySeries, metric: LeakMetric, fromAt: number, lowsSlope: number, minSlope: number): { state: LeakVerdictState; text: string } {
  const all = majorGcFloors(series, metric);
  const inside = all.filter((f) => f.at >= fromAt);
  const anchor = all.filter((f) => f.at < fromAt).pop();
  const floors = anchor ? [anchor, ...inside] : inside;
  if (inside.length === 0 || floors.length < 2) {
    const seen = all.length === 0 ? "no major GC was seen" : all.length === 1 ? "only one major GC was seen" : "no major GC ran in the later half";
    return {
      state: "not-enough-data",
      text: `Not enough data: the floor rises, but ${seen}, and until major GCs run, old-generation garbage counts in the floor; need at least 2 major GCs, one in the later half (watch longer)`,
    };
  }
  const t0 = floors[0]!.at;
  const floorSlope = estimateTheilSen(
    floors.map((f) => (f.at - t0) / MINUTE_MS),
    floors.map((f) => f.value),
  ).slope;
  const needed = Math.max(minSlope, 0.5 * lowsSlope);
  const text = `floors at ${floors.length} major GCs move ${perMin(floorSlope)} (need ${perMin(needed)})`;
  if (floorSlope >= needed) return { state: "leak", text: `confirmed across major GCs: ${text}` };
  return { state: "no-leak", text: `No leak: the rise between major GCs is garbage they collect, ${text}` };
}

/**
 * The rule from the original brief, kept for comparison only: (last − first) / first >
 * threshold on two raw samples. Where those two fall on a GC sawtooth decides the answer,
 * so it flags healthy processes and misses slow leaks; detectLeak is the verdict to use.
 */
export interface NaiveGrowthResult {
  flagged: boolean;
  /** (last − first) / first as a fraction; NaN when the series has fewer than two values. */
  growth: number;
  first: number | null;
  last: number | null;
  threshold: number;
  metric: LeakMetric;
}

export function applyNaiveGrowthRule(series: MemorySeries, threshold = 0.2, metric?: LeakMetric): NaiveGrowthResult {
  const m: LeakMetric = metric ?? (series.samples.some((s) => s.heapUsed !== null) ? "heapUsed" : "rss");
  const values = [...series.samples]
    .sort((a, b) => a.at - b.at)
    .map((s) => valueOf(s, m))
    .filter((v): v is number => v !== null);
  const first = values[0] ?? null;
  const last = values[values.length - 1] ?? null;
  const growth = first !== null && last !== null && values.length > 1 && first > 0 ? (last - first) / first : Number.NaN;
  return { flagged: growth > threshold, growth, first, last, threshold, metric: m };
}
