/**
 * Runs inside the test programs: reports the process's own memory to the parent over IPC,
 * every `intervalMs` and once right after each major GC (seen through a PerformanceObserver
 * on "gc" entries). This is the stand-in sampler for the leak tests until
 * memory/collect/watch-memory.ts samples from outside; the figures are the process's real
 * ones. Message shapes are in `ReporterMessage`.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";

export interface ReportedSample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  afterGc: boolean;
  /** With afterGc: the heap used right after that major GC (this very reading). */
  heapAfterGc: number | null;
  requests: number | null;
}

export type ReporterMessage = { type: "ready"; port: number | null; pid: number } | { type: "sample"; sample: ReportedSample };

function send(message: ReporterMessage): void {
  // Without an IPC channel (run by hand) the program still works; it just reports nothing.
  if (process.send && process.connected) process.send(message);
}

function sampleNow(afterGc: boolean, requests: () => number | null): ReportedSample {
  const m = process.memoryUsage();
  return { at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, afterGc, heapAfterGc: afterGc ? m.heapUsed : null, requests: requests() };
}

/** Starts reporting; the timer is unref'd so it never keeps the program alive by itself. */
export function startMemoryReporter(options: { intervalMs: number; requests: () => number | null }): void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      // The callback runs just after the GC: the heap now is the post-collection floor.
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) send({ type: "sample", sample: sampleNow(true, options.requests) });
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  send({ type: "sample", sample: sampleNow(false, options.requests) });
  setInterval(() => send({ type: "sample", sample: sampleNow(false, options.requests) }), options.intervalMs).unref();
  // The parent going away (test ended or crashed) ends the program too.
  process.on("disconnect", () => process.exit(0));
}

/** Announces readiness: on stdout for people, over IPC for the test helper. */
export function announceReady(port: number | null): void {
  process.stdout.write(port === null ? "READY\n" : `PORT ${port}\n`);
  send({ type: "ready", port, pid: process.pid });
}

export function intervalFromArgs(fallbackMs: number): number {
  const arg = process.argv.find((a) => a.startsWith("--interval="));
  const v = arg ? Number(arg.slice("--interval=".length)) : fallbackMs;
  return Number.isFinite(v) && v > 0 ? v : fallbackMs;
}
