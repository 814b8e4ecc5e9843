import { PROGRESS_INTERVAL_MS } from "./collect-options.js";
import type { CollectProgress, ProgressCallback } from "./types.js";

/**
 * Reports progress phases with elapsed time, and while profiling ticks on its own so the
 * caller hears from us at least once a second even when nothing else happens.
 */
export class ProgressReporter {
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lastThrottled = 0;

  constructor(private readonly callback: ProgressCallback | undefined) {}

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  report(phase: CollectProgress["phase"], message?: string, samples?: number): void {
    if (!this.callback) return;
    const event: CollectProgress = { phase, elapsedMs: this.elapsedMs };
    if (message !== undefined) event.message = message;
    if (samples !== undefined) event.samples = samples;
    try {
      this.callback(event);
    } catch {
      // A failing progress display must not break the collection.
    }
  }

  /** Like report, but at most once per `minIntervalMs` (for per-chunk conversion progress). */
  reportThrottled(phase: CollectProgress["phase"], message: string, samples?: number, minIntervalMs = 250): void {
    const now = Date.now();
    if (now - this.lastThrottled < minIntervalMs) return;
    this.lastThrottled = now;
    this.report(phase, message, samples);
  }

  /** Ticks `profiling` events until stopped; `describe` supplies the current message/samples. */
  startTicking(describe: () => { message?: string; samples?: number }): void {
    this.stopTicking();
    const tick = (): void => {
      const { message, samples } = describe();
      this.report("profiling", message, samples);
    };
    tick();
    this.timer = setInterval(tick, PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
