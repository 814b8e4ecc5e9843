/**
 * The timing loop of one benchmark inside its harness process: warm-up, batch-size
 * calibration, then samples. A sample is the time of one batch divided by its size, in ns.
 *
 * Batch target 1 ms: process.hrtime.bigint() costs ~30-60 ns per read and jitters by tens
 * of ns, so the two reads around a 1 ms batch bias it by < 0.01 %, well under the
 * run-to-run noise of any real function; 1 ms still gives ~300 samples in the default
 * 300 ms per process, and a GC pause lands in one sample (an outlier) instead of being
 * smeared over all of them.
 *
 * Batches are timed by run-clock.ts: wall time less the time the thread waited for a CPU,
 * so a busy machine's other work does not land on the benchmark, while time the code
 * itself blocks (sync I/O, awaited timers) does.
 */
import type { BenchFn } from "../define.js";
import { startRunTimer, stopRunTimer } from "./run-clock.js";

export const TARGET_BATCH_NS = 1_000_000;
/** Sub-nanosecond functions would otherwise ask for absurd batches. */
const MAX_BATCH = 2 ** 30;

export interface MeasureOptions {
  timeMs: number;
  warmupMs: number;
  minSamples: number;
  batchSize?: number;
  softLimitMs: number;
}

export interface Measurement {
  batchSize: number;
  samples: number[];
  async: boolean;
  /** A digest of every return value, reported so the calls cannot be proven dead. */
  sink: string;
}

/**
 * Return values flow into this object, which the harness reports at the end: V8 cannot
 * drop a call (or the computation it inlines) whose result reaches observable output.
 */
export class Sink {
  private numeric = 0;
  private last: unknown = undefined;

  absorb(numeric: number, last: unknown): void {
    this.numeric += numeric;
    if (last !== undefined) this.last = last;
  }

  describe(): string {
    return `${typeof this.last}:${String(this.numeric)}`;
  }
}

const now = (): bigint => process.hrtime.bigint();

function timeSyncBatch(fn: BenchFn, n: number, sink: Sink): number {
  let acc = 0;
  let last: unknown = undefined;
  const timer = startRunTimer();
  for (let i = 0; i < n; i++) {
    // Folding every result keeps each iteration's value live, not just the last one.
    const r = fn();
    if (typeof r === "number") acc += r;
    else last = r;
  }
  const elapsed = stopRunTimer(timer).ns;
  sink.absorb(acc, last);
  return elapsed;
}

async function timeAsyncBatch(fn: BenchFn, n: number, sink: Sink): Promise<number> {
  let acc = 0;
  let last: unknown = undefined;
  const timer = startRunTimer();
  for (let i = 0; i < n; i++) {
    const r: unknown = await fn();
    if (typeof r === "number") acc += r;
    else last = r;
  }
  const elapsed = stopRunTimer(timer).ns;
  sink.absorb(acc, last);
  return elapsed;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Grows the batch until one takes about TARGET_BATCH_NS; extrapolates once the time is measurable. */
export async function calibrateBatch(timeBatch: (n: number) => Promise<number>, start: number): Promise<number> {
  let size = Math.max(1, Math.min(MAX_BATCH, start));
  for (;;) {
    const t = await timeBatch(size);
    if (t >= TARGET_BATCH_NS * 0.9 || size >= MAX_BATCH) return size;
    // Below ~10 µs the reading is dominated by timer cost; grow geometrically instead.
    const next = t >= TARGET_BATCH_NS / 100 ? Math.ceil((size * TARGET_BATCH_NS * 1.05) / t) : size * 10;
    size = Math.min(MAX_BATCH, Math.max(size + 1, next));
  }
}

/**
 * Calls `fn` once to learn whether it returns promises, then returns a timer of batches of
 * n calls (sync or awaited per call) that folds every result into `sink`.
 */
export async function prepareBatchTimer(fn: BenchFn, sink: Sink): Promise<{ isAsync: boolean; timeBatch: (n: number) => Promise<number> }> {
  const first = fn();
  const isAsync = isThenable(first);
  sink.absorb(0, isAsync ? await first : first);
  return { isAsync, timeBatch: isAsync ? (n: number) => timeAsyncBatch(fn, n, sink) : (n: number) => Promise.resolve(timeSyncBatch(fn, n, sink)) };
}

export const MAX_BATCH_SIZE = MAX_BATCH;

/** Measures `fn` as described in the module comment. Throws whatever `fn` throws. */
export async function measureFunction(fn: BenchFn, options: MeasureOptions): Promise<Measurement> {
  const started = now();
  const sink = new Sink();
  const softLimit = started + BigInt(Math.round(options.softLimitMs * 1e6));
  // The first call tells whether fn returns promises; async fns are awaited on every call.
  const { isAsync, timeBatch } = await prepareBatchTimer(fn, sink);

  const fixed = options.batchSize !== undefined ? Math.max(1, Math.floor(options.batchSize)) : undefined;
  let size = fixed ?? 1;
  const warmEnd = started + BigInt(Math.round(options.warmupMs * 1e6));
  while (now() < warmEnd) {
    const t = await timeBatch(size);
    // Warm-up doubles the batch towards the target, so calibration starts close to it.
    if (fixed === undefined && t < TARGET_BATCH_NS / 2 && size < MAX_BATCH) size *= 2;
  }
  const batchSize = fixed ?? (await calibrateBatch(timeBatch, Math.floor(size / 4)));

  const samples: number[] = [];
  const sampleStart = now();
  const timeNs = BigInt(Math.round(options.timeMs * 1e6));
  for (;;) {
    const t = await timeBatch(batchSize);
    samples.push(t / batchSize);
    const at = now();
    if (at - sampleStart >= timeNs && samples.length >= options.minSamples) break;
    if (at >= softLimit) break;
  }
  return { batchSize, samples, async: isAsync, sink: sink.describe() };
}
