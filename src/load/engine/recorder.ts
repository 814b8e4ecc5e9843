/**
 * A worker's tallies: corrected and uncorrected latency histograms, per-second buckets
 * (keyed by completion second) and the counters that become LoadResult totals.
 */
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from "../histogram.js";
import type { LoadErrorKind } from "../model.js";
import { emptyWorkerTotals, type SecondTally, type SecondBucket, type WorkerTotals } from "./worker-protocol.js";

export class WorkerRecorder {
  readonly corrected = createLatencyHistogram();
  readonly uncorrected = createLatencyHistogram();
  readonly totals: WorkerTotals = emptyWorkerTotals();
  private readonly buckets = new Map<number, SecondTally>();

  private bucket(atMs: number): SecondTally {
    const second = Math.max(0, Math.floor(atMs / 1000));
    let b = this.buckets.get(second);
    if (!b) {
      b = { completed: 0, errors: 0, histogram: createLatencyHistogram() };
      this.buckets.set(second, b);
    }
    return b;
  }

  /** A response arrived (any status). Times in ms since the run start. */
  recordResponse(status: number, intendedMs: number, sentMs: number, doneMs: number): void {
    const t = this.totals;
    t.completed++;
    t.statusCodes[status] = (t.statusCodes[status] ?? 0) + 1;
    const failed = status >= 400;
    if (failed) t.errors++;
    else t.ok++;
    this.recordLatency(intendedMs, sentMs, doneMs, failed);
  }

  recordError(kind: LoadErrorKind, intendedMs: number, sentMs: number, doneMs: number): void {
    const t = this.totals;
    t.completed++;
    t.errors++;
    t.errorKinds[kind]++;
    // A timeout took at least the timeout: leaving it out would hide exactly the slow tail.
    // Refused/reset requests have no meaningful latency and would drag percentiles down.
    if (kind === "timeout") this.recordLatency(intendedMs, sentMs, doneMs, true);
    else {
      const b = this.bucket(doneMs);
      b.completed++;
      b.errors++;
    }
  }

  private recordLatency(intendedMs: number, sentMs: number, doneMs: number, failed: boolean): void {
    const correctedUs = (doneMs - intendedMs) * 1000;
    recordLatencyUs(this.corrected, correctedUs);
    recordLatencyUs(this.uncorrected, (doneMs - sentMs) * 1000);
    const b = this.bucket(doneMs);
    b.completed++;
    if (failed) b.errors++;
    recordLatencyUs(b.histogram, correctedUs);
  }

  /** Hands over the buckets of seconds that are over (all of them when `all`). */
  takeSeconds(nowMs: number, all: boolean): SecondBucket[] {
    const current = Math.floor(nowMs / 1000);
    const out: SecondBucket[] = [];
    for (const [second, b] of this.buckets) {
      if (!all && second >= current) continue;
      out.push({ second, completed: b.completed, errors: b.errors, histogram: encodeHistogram(b.histogram) });
      this.buckets.delete(second);
    }
    return out;
  }
}
