import type { CompletedSeriesPoint, HistoryStore } from "../../store/history-store.js";
import { detectChangePoints, type ChangePoint } from "./change-points.js";

/** One benchmark's stored history: where it stands now and the commits where it stepped. */
export interface BenchTrend {
  benchmark: string;
  params?: Record<string, string>;
  points: number;
  errored: number;
  first?: { median: number; commit?: string; startedAt: string };
  latest?: { median: number; commit?: string; startedAt: string };
  changePoints: ChangePoint[];
  /** Why no change-point search ran (too few points), when it did not. */
  note?: string;
}

export interface HistoryQuery {
  suite: string;
  /** Default: every benchmark in the newest stored run of the suite. */
  benchmarks?: string[];
  machineId?: string;
  limit?: number;
  alpha?: number;
}

/** Fewer points than this cannot hold two segments of the default minimum size. */
const MIN_POINTS = 10;

/**
 * Reads each benchmark's series from the history store and runs E-divisive change-point
 * detection over its medians. Runs of one commit stay separate points: repeated runs are
 * evidence, not duplicates.
 */
export async function analyzeHistory(store: HistoryStore, query: HistoryQuery): Promise<BenchTrend[]> {
  const latest = await store.latestRun({ suite: query.suite, ...(query.machineId ? { machineId: query.machineId } : {}) });
  const targets: { name: string; params?: Record<string, string> }[] = query.benchmarks
    ? query.benchmarks.map((name) => ({ name }))
    : (latest?.results ?? []).map((r) => ({ name: r.name, ...(r.params ? { params: r.params } : {}) }));
  const trends: BenchTrend[] = [];
  for (const target of targets) {
    const series = await store.loadSeries({
      suite: query.suite,
      benchmark: target.name,
      ...(target.params ? { params: target.params } : {}),
      ...(query.machineId ? { machineId: query.machineId } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    const done = series.filter((p): p is CompletedSeriesPoint => p.state === "completed");
    const pick = (p: CompletedSeriesPoint | undefined) => (p ? { median: p.median, ...(p.commit ? { commit: p.commit } : {}), startedAt: p.startedAt } : undefined);
    const first = pick(done[0]);
    const last = pick(done[done.length - 1]);
    const trend: BenchTrend = {
      benchmark: target.name,
      ...(target.params ? { params: target.params } : {}),
      points: done.length,
      errored: series.length - done.length,
      ...(first ? { first } : {}),
      ...(last ? { latest: last } : {}),
      changePoints: [],
    };
    if (done.length < MIN_POINTS) {
      trend.note = `${done.length} stored point${done.length === 1 ? "" : "s"}: change points need at least ${MIN_POINTS}`;
    } else {
      trend.changePoints = detectChangePoints(
        done.map((p) => ({ key: p.commit ?? `run#${p.runId}`, value: p.median, ...(p.committedAt ? { at: p.committedAt } : { at: p.startedAt }) })),
        query.alpha !== undefined ? { alpha: query.alpha } : {},
      );
    }
    trends.push(trend);
  }
  return trends;
}
