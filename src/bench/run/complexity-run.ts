import { getHeapStatistics } from "node:v8";
import { PerfError } from "../../core/errors.js";
import { median } from "../../core/stats.js";
import { fitComplexity, type ComplexityFit } from "../analyze/complexity-fit.js";
import { startRunTimer, stopRunTimer } from "./run-clock.js";

/**
 * Empirical complexity: time a function at several input sizes and fit the growth class.
 * Inputs are built outside the timed region; each sample repeats the call enough times to
 * last ≥ minTimeMs so timer resolution does not matter; the per-size figure is the median
 * of several samples. Every size is calibrated first, then sampled in rounds across all
 * sizes, so a burst of load elsewhere on the machine hits every size alike.
 *
 * Other processes compete for the CPU: a sample during which the OS descheduled this
 * process can take several times its real cost. Each sample therefore also reads the
 * process CPU time; for synchronous functions the sample counts min(wall, CPU) time, which
 * leaves out time spent descheduled. Async functions may legitimately wait (I/O, timers),
 * so they keep wall time and descheduled samples are left out of the median instead.
 */

export interface ComplexityProgress {
  /** The size just calibrated or sampled. */
  n: number;
  phase: "calibrate" | "sample";
  /** Steps done out of total (one calibration per size, then one per sample; extra rounds raise total). */
  done: number;
  total: number;
}

export interface ComplexityOptions<T> {
  /** Input sizes: at least 3 distinct positive numbers, each once. */
  sizes: number[];
  /** Builds the input of size n. Never timed. */
  input: (n: number) => T | Promise<T>;
  /** Minimum duration of one timed sample (default 1 ms). */
  minTimeMs?: number;
  /** Samples per size; the median is kept (default 7; up to 3× for sizes whose samples spread > 5%). */
  repeats?: number;
  /**
   * Build a new input for every call (for functions that change their input, such as an
   * in-place sort). Inputs are built before each sample and only the calls are timed.
   */
  fresh?: boolean;
  onProgress?: (progress: ComplexityProgress) => void;
}

export interface ComplexitySizeTiming {
  n: number;
  /** Median time per call (ns) over the samples: the figure that is fitted. */
  medianNs: number;
  minNs: number;
  maxNs: number;
  /** Median absolute deviation of the samples (ns, unscaled). */
  madNs: number;
  /** madNs / medianNs: the spread relative to the time. */
  relativeSpread: number;
  /** Time per call of every sample (ns). */
  samplesNs: number[];
  /** Samples during which the OS descheduled the process for > 15% of the sample. */
  descheduledSamples: number;
  /** Calls per sample (auto-calibrated). */
  callsPerSample: number;
}

export interface ComplexityResult {
  sizes: ComplexitySizeTiming[];
  fit: ComplexityFit;
  fresh: boolean;
  /** True when fn returned a promise: each call was awaited, and the await is in the time. */
  async: boolean;
  repeats: number;
  minTimeMs: number;
  durationMs: number;
  notes: string[];
}

/** One timed batch: wall time, the part of it spent waiting for a CPU, the calls made, and whether memory capped them. */
type Sample = { wallNs: number; waitNs: number; calls: number; capped: boolean };
type Timer = (calls: number) => Promise<Sample>;
interface Slot {
  n: number;
  timer: Timer;
  async: boolean;
  calls: number;
  samplesNs: number[];
  descheduled: boolean[];
  capped: boolean;
}

// Results are folded in here so the optimiser cannot drop calls whose value is unused.
const sink: { sum: number; last: unknown } = { sum: 0, last: undefined };
// Fresh inputs are held in memory for one sample; stop building past this much new heap.
const FRESH_HEAP_LIMIT = 256 * 1024 * 1024;
const MAX_CALLS = 1e9;
// Warm-up before samples count (see calibrate).
const WARMUP_NS = 20e6;
// Relative MAD below which a size needs no extra samples.
const SETTLED_SPREAD = 0.05;
// Off-CPU share of a sample above which it counts as descheduled.
const DESCHEDULED_SHARE = 0.15;

export async function complexity<T>(fn: (input: T) => unknown, options: ComplexityOptions<T>): Promise<ComplexityResult> {
  const { sizes, minTimeMs, repeats, fresh } = validateOptions(fn, options);
  const started = performance.now();
  const total = sizes.length * (repeats + 1);
  let done = 0;

  const slots: Slot[] = [];
  for (const n of sizes) {
    const first = await callOnce(fn, options.input, n);
    const timer = makeTimer(fn, options.input, n, fresh, first.async, first.input);
    const calls = await guard(n, () => calibrate(timer, minTimeMs * 1e6));
    slots.push({ n, timer, async: first.async, calls, samplesNs: [], descheduled: [], capped: false });
    options.onProgress?.({ n, phase: "calibrate", done: ++done, total });
  }
  // Alternate the direction of each round; sizes whose samples still spread widely get
  // extra rounds, up to 3× repeats, so a few disturbed samples cannot decide the median.
  for (let r = 0; r < repeats * 3; r++) {
    const due = r < repeats ? slots : slots.filter((slot) => spreadOf(kept(slot)) > SETTLED_SPREAD);
    if (due.length === 0) break;
    for (const slot of r % 2 === 0 ? due : [...due].reverse()) {
      const sample = await guard(slot.n, () => slot.timer(slot.calls));
      const offCpu = sample.waitNs > DESCHEDULED_SHARE * sample.wallNs;
      // Run-queue wait is the machine's other work, not fn's (run-clock.ts).
      const ns = sample.wallNs - sample.waitNs;
      slot.samplesNs.push(ns / sample.calls);
      slot.descheduled.push(offCpu);
      slot.capped ||= sample.capped;
      options.onProgress?.({ n: slot.n, phase: "sample", done: ++done, total: Math.max(total, done) });
    }
  }

  const timings = slots.map(summarise);
  const notes = slots.filter((s) => s.capped).map((s) => `n=${s.n}: fresh inputs were capped by memory, so samples are shorter than ${minTimeMs} ms`);
  const noisy = timings.filter((t) => t.relativeSpread > 0.1);
  if (noisy.length > 0) notes.push(`samples spread more than ±10% around the median at n = ${noisy.map((t) => t.n).join(", ")}: close other work on the machine or add repeats`);
  const allSamples = timings.reduce((s, t) => s + t.samplesNs.length, 0);
  const descheduled = timings.reduce((s, t) => s + t.descheduledSamples, 0);
  if (descheduled > 0.2 * allSamples) {
    notes.push(`${descheduled} of ${allSamples} samples ran while the OS had descheduled this process (a busy machine): ${slots.some((s) => s.async) ? "they were left out where possible" : "the time they waited for a CPU was left out"}`);
  }
  const isAsync = slots.some((s) => s.async);
  if (isAsync) notes.push("fn returned promises: each call was awaited, so the await overhead (~µs) is in every time");
  const fit = fitComplexity(timings.map((t) => ({ n: t.n, ns: t.medianNs })));
  return { sizes: timings, fit, fresh, async: isAsync, repeats, minTimeMs, durationMs: performance.now() - started, notes };
}

/**
 * Finds how many calls make one sample last ≥ minTimeNs. The batches double as warm-up:
 * they run for WARMUP_NS and at least 3 batches, by which time V8 has optimised the calls.
 */
async function calibrate(timer: Timer, minTimeNs: number): Promise<number> {
  let calls = 1;
  let warmedNs = 0;
  for (let round = 0; ; round++) {
    const sample = await timer(calls);
    const ns = Math.max(sample.wallNs - sample.waitNs, 1);
    warmedNs += sample.wallNs;
    calls = sample.calls;
    const warm = round >= 2 && warmedNs >= WARMUP_NS;
    if ((ns >= minTimeNs && warm) || calls >= MAX_CALLS || sample.capped) return calls;
    if (ns < minTimeNs) calls = Math.min(MAX_CALLS, Math.max(calls * 2, Math.min(Math.ceil((calls * minTimeNs * 1.2) / ns), calls * 100)));
  }
}

async function guard<R>(n: number, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    throw functionFailed(error, n);
  }
}

/** The first call: shows whether fn is async and fails early on inputs it cannot take. */
async function callOnce<T>(fn: (input: T) => unknown, build: (n: number) => T | Promise<T>, n: number): Promise<{ async: boolean; input: T }> {
  let input: T;
  try {
    input = await build(n);
  } catch (error) {
    throw new PerfError("USAGE", `complexity: input(${n}) threw: ${message(error)}`, { cause: error, hint: "the input builder must return an input for every size in `sizes`" });
  }
  // Called inside guard so a synchronous throw is reported with n as well.
  const result = await guard(n, async () => ({ value: fn(input) }));
  if (isThenable(result.value)) await guard(n, async () => result.value);
  return { async: isThenable(result.value), input };
}

function makeTimer<T>(fn: (input: T) => unknown, build: (n: number) => T | Promise<T>, n: number, fresh: boolean, isAsync: boolean, shared: T): Timer {
  const time = isAsync ? timeAsync : async (f: (input: T) => unknown, inputs: readonly T[], calls: number) => timeSync(f, inputs, calls);
  if (!fresh) return (calls) => time(fn, [shared], calls);
  return async (calls) => {
    // Build every input of the sample first, then time the calls back to back.
    const inputs: T[] = [];
    const heapBefore = getHeapStatistics().used_heap_size;
    for (let i = 0; i < calls; i++) {
      inputs.push(await build(n));
      if ((i & 31) === 31 && getHeapStatistics().used_heap_size - heapBefore > FRESH_HEAP_LIMIT) break;
    }
    const sample = await time(fn, inputs, inputs.length);
    return { ...sample, capped: inputs.length < calls };
  };
}

/** Times `calls` calls; one input is shared by all calls, several are used one per call. */
function timeSync<T>(fn: (input: T) => unknown, inputs: readonly T[], calls: number): Sample {
  const shared = inputs.length === 1;
  const first = inputs[0]!;
  let sum = 0;
  let last: unknown;
  const timer = startRunTimer();
  for (let i = 0; i < calls; i++) {
    const r = fn(shared ? first : inputs[i]!);
    if (typeof r === "number") sum += r;
    else last = r;
  }
  const { wallNs, waitNs } = stopRunTimer(timer);
  sink.sum += sum;
  sink.last = last;
  return { wallNs, waitNs, calls, capped: false };
}

async function timeAsync<T>(fn: (input: T) => unknown, inputs: readonly T[], calls: number): Promise<Sample> {
  const shared = inputs.length === 1;
  let last: unknown;
  const timer = startRunTimer();
  for (let i = 0; i < calls; i++) last = await fn(shared ? inputs[0]! : inputs[i]!);
  const { wallNs, waitNs } = stopRunTimer(timer);
  sink.last = last;
  return { wallNs, waitNs, calls, capped: false };
}

/** The samples the median uses: async sizes drop descheduled samples while ≥ 3 remain. */
function kept(slot: Slot): number[] {
  if (!slot.async) return slot.samplesNs;
  const clean = slot.samplesNs.filter((_, i) => !slot.descheduled[i]);
  return clean.length >= 3 ? clean : slot.samplesNs;
}

function spreadOf(samplesNs: readonly number[]): number {
  const med = median(samplesNs);
  return med > 0 ? median(samplesNs.map((s) => Math.abs(s - med))) / med : 0;
}

function summarise(slot: Slot): ComplexitySizeTiming {
  const used = kept(slot);
  const med = median(used);
  const mad = median(used.map((s) => Math.abs(s - med)));
  return {
    n: slot.n,
    medianNs: med,
    minNs: Math.min(...slot.samplesNs),
    maxNs: Math.max(...slot.samplesNs),
    madNs: mad,
    relativeSpread: med > 0 ? mad / med : 0,
    samplesNs: slot.samplesNs,
    descheduledSamples: slot.descheduled.filter(Boolean).length,
    callsPerSample: slot.calls,
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function functionFailed(error: unknown, n: number): PerfError {
  if (error instanceof PerfError) return error;
  return new PerfError("USAGE", `complexity: the measured function threw at n=${n}: ${message(error)}`, {
    cause: error,
    hint: "fn must work for every size; if it changes its input (e.g. sorts in place), pass fresh: true",
  });
}

function validateOptions<T>(fn: unknown, options: ComplexityOptions<T>): { sizes: number[]; minTimeMs: number; repeats: number; fresh: boolean } {
  const usage = (msg: string, hint: string): PerfError => new PerfError("USAGE", `complexity: ${msg}`, { hint });
  if (typeof fn !== "function") throw usage("the first argument must be the function to measure", "call complexity((input) => work(input), { sizes, input })");
  if (typeof options !== "object" || options === null) throw usage("options are missing", "pass { sizes: [1e3, 1e4, 1e5], input: (n) => buildInput(n) }");
  if (typeof options.input !== "function") throw usage("options.input must be a function n => input", "e.g. input: (n) => Array.from({ length: n }, (_, i) => i)");
  const sizes = options.sizes;
  const sizeHint = "pass at least 3 distinct positive sizes, each once, spanning ≥ 100× (e.g. [1e3, 1e4, 1e5, 1e6]); use repeats for more samples";
  if (!Array.isArray(sizes)) throw usage("options.sizes must be an array of numbers", sizeHint);
  const bad = sizes.find((s) => typeof s !== "number" || !Number.isFinite(s) || s <= 0);
  if (bad !== undefined) throw usage(`size ${String(bad)} is not a positive finite number`, sizeHint);
  if (new Set(sizes).size !== sizes.length) throw usage(`sizes contain duplicates: ${sizes.join(", ")}`, sizeHint);
  if (sizes.length < 3) throw usage(`${sizes.length} size(s) given; a growth class needs at least 3`, sizeHint);
  const minTimeMs = options.minTimeMs ?? 1;
  if (!Number.isFinite(minTimeMs) || minTimeMs <= 0 || minTimeMs > 10_000) throw usage(`minTimeMs ${minTimeMs} is out of range`, "use a sample duration between 0.1 and 10000 ms (default 1)");
  const repeats = options.repeats ?? 7;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw usage(`repeats ${repeats} is not an integer in 1..1000`, "use 5–20 samples per size (default 7)");
  if (options.fresh !== undefined && typeof options.fresh !== "boolean") throw usage("fresh must be true or false", "fresh: true rebuilds the input for every call");
  return { sizes: [...sizes].sort((x, y) => x - y), minTimeMs, repeats, fresh: options.fresh ?? false };
}
