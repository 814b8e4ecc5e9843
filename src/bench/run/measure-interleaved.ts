/**
 * Several versions of one benchmark measured in one process, batch by batch in turn
 * (A B C, C B A, A B C, ...). On a virtual machine whose speed drifts by tens of percent
 * within a second, separate processes (even back to back) see different machines; batches
 * a millisecond apart see the same one, so the ratio between versions stays sharp while
 * each version's absolute time still wanders. The turn order reverses every round so no
 * version always follows the same neighbour.
 */
import type { BenchFn } from "../define.js";
import { calibrateBatch, MAX_BATCH_SIZE, prepareBatchTimer, Sink, TARGET_BATCH_NS, type MeasureOptions } from "./measure.js";

export interface InterleavedMeasurement {
  batchSize: number;
  /** samples[i]: ns per operation of version i. */
  samples: number[][];
  sinks: string[];
}

/** Thrown with the index of the version whose function failed, so the runner can name it. */
export class VersionCallError extends Error {
  constructor(
    readonly index: number,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}

async function attempt<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new VersionCallError(index, error);
  }
}

export async function measureInterleaved(fns: BenchFn[], enter: (index: number) => void, options: MeasureOptions): Promise<InterleavedMeasurement> {
  const now = (): bigint => process.hrtime.bigint();
  const started = now();
  const sinks = fns.map(() => new Sink());
  const timers: ((n: number) => Promise<number>)[] = [];
  for (let i = 0; i < fns.length; i++) {
    enter(i);
    timers.push((await attempt(i, () => prepareBatchTimer(fns[i]!, sinks[i]!))).timeBatch);
  }
  const timeOne = async (i: number, n: number): Promise<number> => {
    enter(i);
    return attempt(i, () => timers[i]!(n));
  };

  const fixed = options.batchSize !== undefined ? Math.max(1, Math.floor(options.batchSize)) : undefined;
  let size = fixed ?? 1;
  const warmEnd = started + BigInt(Math.round(options.warmupMs * 1e6));
  while (now() < warmEnd) {
    let slowest = 0;
    for (let i = 0; i < fns.length; i++) slowest = Math.max(slowest, await timeOne(i, size));
    if (fixed === undefined && slowest < TARGET_BATCH_NS / 2 && size < MAX_BATCH_SIZE) size *= 2;
  }
  // One batch size for all versions: calibrated on the first, so it runs ~1 ms per batch.
  const batchSize = fixed ?? (await calibrateBatch((n) => timeOne(0, n), Math.floor(size / 4)));

  const samples: number[][] = fns.map(() => []);
  const softLimit = started + BigInt(Math.round(options.softLimitMs * 1e6));
  const budget = BigInt(Math.round(options.timeMs * fns.length * 1e6));
  const sampleStart = now();
  for (let round = 0; ; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = round % 2 === 0 ? k : fns.length - 1 - k;
      samples[i]!.push((await timeOne(i, batchSize)) / batchSize);
    }
    const at = now();
    if (at - sampleStart >= budget && samples[0]!.length >= options.minSamples) break;
    if (at >= softLimit) break;
  }
  return { batchSize, samples, sinks: sinks.map((s) => s.describe()) };
}
