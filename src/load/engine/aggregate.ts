/**
 * Main-thread side of a run: merges what the workers stream (per-second buckets, running
 * counts) and what they send at the end (totals, histograms) into LoadResult pieces.
 */
import { createLatencyHistogram, mergeEncodedHistogram, percentileMs } from "../histogram.js";
import type { LoadErrorKind, LoadProgress, TimelinePoint } from "../model.js";
import { emptyWorkerTotals, type SecondTally, type SecondBucket, type WorkerToMain, type WorkerTotals } from "./worker-protocol.js";

export class LoadAggregator {
  readonly corrected = createLatencyHistogram();
  readonly uncorrected = createLatencyHistogram();
  readonly totals: WorkerTotals = emptyWorkerTotals();
  lagP99Ms = 0;
  /** Each finished worker thread's own CPU time (ms), null where the OS does not report it. */
  readonly threadCpuMs: (number | null)[] = [];
  private readonly seconds = new Map<number, SecondTally>();
  /** Latest running counts per worker, for progress. */
  private readonly running = new Map<number, { completed: number; errors: number }>();

  addSeconds(buckets: SecondBucket[]): void {
    for (const b of buckets) {
      let s = this.seconds.get(b.second);
      if (!s) {
        s = { completed: 0, errors: 0, histogram: createLatencyHistogram() };
        this.seconds.set(b.second, s);
      }
      s.completed += b.completed;
      s.errors += b.errors;
      mergeEncodedHistogram(s.histogram, b.histogram);
    }
  }

  addRunning(worker: number, completed: number, errors: number): void {
    this.running.set(worker, { completed, errors });
  }

  addDone(worker: number, done: Extract<WorkerToMain, { type: "done" }>): void {
    const { totals, corrected, uncorrected } = done;
    this.threadCpuMs.push(done.threadCpuMs);
    const t = this.totals;
    t.sent += totals.sent;
    t.completed += totals.completed;
    t.ok += totals.ok;
    t.errors += totals.errors;
    t.lateSends += totals.lateSends;
    t.schedulerLateSends += totals.schedulerLateSends;
    t.droppedSends += totals.droppedSends;
    t.bytesIn += totals.bytesIn;
    t.bytesOut += totals.bytesOut;
    for (const [code, n] of Object.entries(totals.statusCodes)) t.statusCodes[code] = (t.statusCodes[code] ?? 0) + n;
    for (const kind of Object.keys(t.errorKinds) as LoadErrorKind[]) t.errorKinds[kind] += totals.errorKinds[kind];
    mergeEncodedHistogram(this.corrected, corrected);
    mergeEncodedHistogram(this.uncorrected, uncorrected);
    this.lagP99Ms = Math.max(this.lagP99Ms, done.eventLoopLagP99Ms);
    this.running.set(worker, { completed: totals.completed, errors: totals.errors });
  }

  progress(elapsedMs: number): LoadProgress {
    let completed = 0;
    let errors = 0;
    for (const r of this.running.values()) {
      completed += r.completed;
      errors += r.errors;
    }
    // The last second that every worker has reported on is the one before the current.
    const last = this.seconds.get(Math.floor(elapsedMs / 1000) - 1);
    return {
      elapsedMs: Math.round(elapsedMs),
      completed,
      errors,
      currentRps: last?.completed ?? 0,
      p99Ms: last ? percentileMs(last.histogram, 99) : null,
    };
  }

  /** One point per second of the run, empty seconds included (a stall shows as a gap). */
  timeline(durationMs: number): TimelinePoint[] {
    const lastSecond = Math.max(Math.ceil(durationMs / 1000) - 1, ...this.seconds.keys());
    const points: TimelinePoint[] = [];
    for (let second = 0; second <= lastSecond; second++) {
      const s = this.seconds.get(second);
      points.push({
        second,
        completed: s?.completed ?? 0,
        errors: s?.errors ?? 0,
        p50: s ? percentileMs(s.histogram, 50) : null,
        p95: s ? percentileMs(s.histogram, 95) : null,
        p99: s ? percentileMs(s.histogram, 99) : null,
        max: s ? (s.histogram.totalCount > 0 ? Math.round(s.histogram.maxValue) / 1000 : null) : null,
      });
    }
    return points;
  }
}
