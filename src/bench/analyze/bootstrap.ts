/**
 * Bootstrap replicates of the pooled median, fast enough for 100k samples.
 *
 * - Fewer than 3 processes: the plain bootstrap (resample all samples with replacement).
 *   It is drawn exactly without touching the samples: the k-th smallest of n resampled
 *   values is sorted[floor(n·U₍ₖ₎)], and the k-th order statistic U₍ₖ₎ of n uniforms is
 *   Beta(k, n−k+1), so one or two Beta draws give one replicate.
 * - 3 or more processes: a hierarchical bootstrap (resample processes, then samples within
 *   each), because fresh processes differ from each other more than samples within one do.
 *   See bootstrapHierarchical for how the within-process stage is drawn cheaply.
 */
import { medianOfSorted, type PreparedSamples } from "./prepared-samples.js";
import type { Random } from "./random.js";

export const HIERARCHICAL_MIN_PROCESSES = 3;
/** Pooled indices between two stored per-process prefix counts. */
const CHECKPOINT_STRIDE = 64;

export function isHierarchical(prepared: PreparedSamples): boolean {
  return prepared.processes.length >= HIERARCHICAL_MIN_PROCESSES;
}

/** `resamples` bootstrap replicates of the pooled median (unsorted, in draw order). */
export function bootstrapMedians(prepared: PreparedSamples, resamples: number, random: Random): Float64Array {
  return isHierarchical(prepared) ? bootstrapHierarchical(prepared, resamples, random) : bootstrapPlain(prepared.pooled, resamples, random);
}

/** The method in words, for `medianCi.method` and comparison methods. */
export function describeBootstrap(prepared: PreparedSamples, resamples: number): string {
  if (!isHierarchical(prepared)) return `percentile bootstrap of the median, ${resamples} resamples of all samples`;
  return `hierarchical percentile bootstrap of the median, ${resamples} resamples: ${prepared.processes.length} processes resampled with replacement, then the within-process error added from a bootstrap of all samples`;
}

function bootstrapPlain(sorted: Float64Array, resamples: number, random: Random): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(resamples);
  const at = (u: number): number => sorted[Math.min(n - 1, Math.floor(n * u))]!;
  for (let r = 0; r < resamples; r++) {
    if (n === 1) {
      out[r] = sorted[0]!;
    } else if (n % 2 === 1) {
      const k = (n + 1) / 2;
      out[r] = at(random.nextBeta(k, n - k + 1));
    } else {
      const k = n / 2;
      const uk = random.nextBeta(k, n - k + 1);
      // Given U₍ₖ₎ = u, U₍ₖ₊₁₎ is the least of the n−k uniforms above u: u + (1−u)(1 − W^(1/(n−k))).
      const w = 1 - random.next();
      const uk1 = uk + (1 - uk) * (1 - Math.pow(w, 1 / (n - k)));
      out[r] = (at(uk) + at(uk1)) / 2;
    }
  }
  return out;
}

/**
 * Two-stage replicate = (pooled median of the resampled processes, all their samples kept)
 * + (one plain-bootstrap deviation of the pooled median). The second term stands in for the
 * within-process stage: to first order the two errors add, and resampling the whole pool
 * overstates the within-process error slightly (it ignores the stratification by process),
 * so the interval errs wide. A replicate costs O(P·log N + stride), not O(N).
 */
function bootstrapHierarchical(prepared: PreparedSamples, resamples: number, random: Random): Float64Array {
  const { processes, pooled } = prepared;
  const p = processes.length;
  const pooledMedian = medianOfSorted(pooled);
  const within = bootstrapPlain(pooled, resamples, random);
  const prefix = buildPrefixCounts(prepared);
  const multiplicity = new Uint32Array(p);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    multiplicity.fill(0);
    for (let i = 0; i < p; i++) multiplicity[random.nextInt(p)]!++;
    let total = 0;
    for (let j = 0; j < p; j++) total += multiplicity[j]! * processes[j]!.length;
    out[r] = medianOfMultiset(prepared, prefix, multiplicity, total) + (within[r]! - pooledMedian);
  }
  return out;
}

/** prefix[c·P + j]: how many of pooled[0, c·stride) came from process j. */
export function buildPrefixCounts(prepared: PreparedSamples): Uint32Array {
  const p = prepared.processes.length;
  const n = prepared.pooled.length;
  const checkpoints = Math.floor(n / CHECKPOINT_STRIDE) + 1;
  const prefix = new Uint32Array(checkpoints * p);
  const running = new Uint32Array(p);
  for (let c = 1; c < checkpoints; c++) {
    for (let i = (c - 1) * CHECKPOINT_STRIDE; i < c * CHECKPOINT_STRIDE; i++) running[prepared.origin[i]!]!++;
    prefix.set(running, c * p);
  }
  return prefix;
}

/**
 * The median of the multiset holding process j's samples multiplicity[j] times. Its k-th
 * smallest is the pooled value where the weighted running count first exceeds k: binary
 * search over the checkpoints, then a walk of at most one stride (plus one step for the
 * upper middle value of an even count).
 */
export function medianOfMultiset(prepared: PreparedSamples, prefix: Uint32Array, multiplicity: Uint32Array, total: number): number {
  const p = multiplicity.length;
  const k = (total - 1) >> 1; // the lower middle rank; the only one when total is odd
  // Largest checkpoint whose weighted count is ≤ k (checkpoint 0 counts nothing).
  let lo = 0;
  let hi = prefix.length / p - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    let atMid = 0;
    for (let j = 0; j < p; j++) atMid += multiplicity[j]! * prefix[mid * p + j]!;
    if (atMid <= k) lo = mid;
    else hi = mid - 1;
  }
  let count = 0;
  for (let j = 0; j < p; j++) count += multiplicity[j]! * prefix[lo * p + j]!;
  const { origin, pooled } = prepared;
  let i = lo * CHECKPOINT_STRIDE;
  for (; i < pooled.length; i++) {
    count += multiplicity[origin[i]!]!;
    if (count > k) break;
  }
  const lower = pooled[i]!;
  if (total % 2 === 1 || count > k + 1) return lower;
  // The upper middle value is the next pooled value from a chosen process.
  for (i++; i < pooled.length; i++) if (multiplicity[origin[i]!]! > 0) return (lower + pooled[i]!) / 2;
  return lower;
}
