/**
 * Samples sorted once per process and pooled, shared by the statistics, the bootstrap and
 * the comparison, plus the order-statistic helpers they need on typed arrays.
 */

export interface PreparedSamples {
  /** Each process's samples, ascending. */
  processes: Float64Array[];
  /** All samples, ascending. */
  pooled: Float64Array;
  /** origin[i]: index of the process that produced pooled[i]. */
  origin: Uint32Array;
}

export function prepareSamples(samplesByProcess: readonly (readonly number[])[]): PreparedSamples {
  const processes: Float64Array[] = samplesByProcess.map((samples) => Float64Array.from(samples).sort());
  // Merging the sorted processes pairwise costs O(N log P), well under re-sorting the pool.
  let runs: Run[] = processes.map((values, p) => ({ values, origin: new Uint32Array(values.length).fill(p) }));
  while (runs.length > 1) {
    const merged: Run[] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(i + 1 < runs.length ? mergeRuns(runs[i]!, runs[i + 1]!) : runs[i]!);
    runs = merged;
  }
  const only = runs[0] ?? { values: new Float64Array(0), origin: new Uint32Array(0) };
  // With one process the run is that process's own array; copy so callers may not alias it.
  return { processes, pooled: processes.length === 1 ? only.values.slice() : only.values, origin: only.origin };
}

interface Run {
  values: Float64Array;
  origin: Uint32Array;
}

function mergeRuns(a: Run, b: Run): Run {
  const n = a.values.length + b.values.length;
  const values = new Float64Array(n);
  const origin = new Uint32Array(n);
  const av = a.values;
  const bv = b.values;
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < av.length && j < bv.length) {
    if (av[i]! <= bv[j]!) {
      origin[k] = a.origin[i]!;
      values[k++] = av[i++]!;
    } else {
      origin[k] = b.origin[j]!;
      values[k++] = bv[j++]!;
    }
  }
  values.set(av.subarray(i), k);
  origin.set(a.origin.subarray(i), k);
  k += av.length - i;
  values.set(bv.subarray(j), k);
  origin.set(b.origin.subarray(j), k);
  return { values, origin };
}

/** A plain array copy, for helpers typed on number[] (a loop beats Array.from on typed arrays). */
export function toPlainArray(values: Float64Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** Median of an ascending array (the mean of the two middle values when the length is even). */
export function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of buffer[0, len) by quickselect; reorders that part of the buffer. */
export function medianInPlace(buffer: Float64Array, len: number): number {
  const mid = len >> 1;
  selectInPlace(buffer, len, mid);
  if (len % 2 === 1) return buffer[mid]!;
  // The lower middle value is the largest of the left part, which quickselect left unordered.
  let lower = buffer[0]!;
  for (let i = 1; i < mid; i++) if (buffer[i]! > lower) lower = buffer[i]!;
  return (lower + buffer[mid]!) / 2;
}

/** Moves the k-th smallest (0-based) of buffer[0, len) to index k; smaller values before it. */
function selectInPlace(buffer: Float64Array, len: number, k: number): void {
  let left = 0;
  let right = len - 1;
  while (right > left) {
    // Median-of-three pivot keeps sorted or nearly sorted input from going quadratic.
    const middle = (left + right) >> 1;
    const pivot = medianOfThree(buffer[left]!, buffer[middle]!, buffer[right]!);
    let i = left;
    let j = right;
    while (i <= j) {
      while (buffer[i]! < pivot) i++;
      while (buffer[j]! > pivot) j--;
      if (i <= j) {
        const tmp = buffer[i]!;
        buffer[i] = buffer[j]!;
        buffer[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}
