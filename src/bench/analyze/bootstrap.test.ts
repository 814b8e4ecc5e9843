import { describe, expect, it } from "vitest";
import { quantileSorted } from "../../core/stats.js";
import { bootstrapMedians, buildPrefixCounts, isHierarchical, medianOfMultiset } from "./bootstrap.js";
import { medianInPlace, medianOfSorted, prepareSamples } from "./prepared-samples.js";
import { createRandom, type Random } from "./random.js";

function sortedMedian(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/** The textbook bootstrap: draw n values with replacement, take their median. */
function bruteForcePlain(values: readonly number[], resamples: number, random: Random): number[] {
  return Array.from({ length: resamples }, () => sortedMedian(values.map(() => values[random.nextInt(values.length)]!)));
}

/** The textbook two-stage bootstrap: draw processes, then samples within each drawn process. */
function bruteForceTwoStage(processes: readonly (readonly number[])[], resamples: number, random: Random): number[] {
  return Array.from({ length: resamples }, () => {
    const pooled: number[] = [];
    for (let i = 0; i < processes.length; i++) {
      const proc = processes[random.nextInt(processes.length)]!;
      for (let k = 0; k < proc.length; k++) pooled.push(proc[random.nextInt(proc.length)]!);
    }
    return sortedMedian(pooled);
  });
}

function percentiles(values: Iterable<number>): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [0.025, 0.5, 0.975].map((q) => quantileSorted(sorted, q));
}

describe("prepared samples", () => {
  it("sorts each process, merges them into the pool and remembers where each value came from", () => {
    const samples = [[5, 1, 3], [2, 9], [4, 4, 0, 7]];
    const prepared = prepareSamples(samples);
    expect(Array.from(prepared.pooled)).toEqual([0, 1, 2, 3, 4, 4, 5, 7, 9]);
    expect(Array.from(prepared.processes[1]!)).toEqual([2, 9]);
    prepared.pooled.forEach((value, i) => expect(samples[prepared.origin[i]!]).toContain(value));
    expect(medianOfSorted(prepared.pooled)).toBe(4);
    expect(medianOfSorted(Float64Array.of(1, 2, 3, 10))).toBe(2.5);
  });

  it("quickselect median agrees with sorting, odd and even, with ties", () => {
    const random = createRandom(3);
    for (const n of [1, 2, 7, 100, 1001]) {
      const values = Array.from({ length: n }, () => Math.floor(random.next() * 20));
      expect(medianInPlace(Float64Array.from(values), n)).toBe(sortedMedian(values));
    }
  });
});

describe("medianOfMultiset", () => {
  it("equals the median of the processes' samples repeated by their multiplicities", () => {
    const random = createRandom(41);
    for (let trial = 0; trial < 300; trial++) {
      const p = 3 + random.nextInt(6);
      // Integers in a small range force ties across processes; sizes vary, some span checkpoints.
      const processes = Array.from({ length: p }, () => Array.from({ length: 1 + random.nextInt(150) }, () => random.nextInt(40)));
      const prepared = prepareSamples(processes);
      const multiplicity = new Uint32Array(p);
      for (let i = 0; i < p; i++) multiplicity[random.nextInt(p)]!++;
      const expanded: number[] = [];
      processes.forEach((proc, j) => {
        for (let m = 0; m < multiplicity[j]!; m++) expanded.push(...proc);
      });
      expect(medianOfMultiset(prepared, buildPrefixCounts(prepared), multiplicity, expanded.length)).toBe(sortedMedian(expanded));
    }
  });
});

describe("bootstrapMedians", () => {
  it("draws the plain bootstrap exactly: same distribution as brute-force resampling", () => {
    const random = createRandom(17);
    for (const n of [51, 50]) {
      const values = Array.from({ length: n }, () => Math.exp(random.nextNormal()));
      const fast = percentiles(bootstrapMedians(prepareSamples([values]), 3000, random));
      const slow = percentiles(bruteForcePlain(values, 3000, random));
      // Within a quarter of the interval width at each of the 2.5%, 50% and 97.5% points.
      const width = slow[2]! - slow[0]!;
      fast.forEach((q, i) => expect(Math.abs(q - slow[i]!)).toBeLessThan(0.25 * width));
    }
  });

  it("hierarchical replicates spread like the textbook two-stage bootstrap (never much narrower)", () => {
    const random = createRandom(23);
    for (const [between, within] of [
      [0.02, 0.03],
      [0.002, 0.05],
    ] as const) {
      const processes = Array.from({ length: 8 }, () => {
        const offset = 1 + between * random.nextNormal();
        return Array.from({ length: 25 }, () => 100 * offset * (1 + within * random.nextNormal()));
      });
      const prepared = prepareSamples(processes);
      expect(isHierarchical(prepared)).toBe(true);
      const fast = percentiles(bootstrapMedians(prepared, 1500, random));
      const slow = percentiles(bruteForceTwoStage(processes, 1500, random));
      const ratio = (fast[2]! - fast[0]!) / (slow[2]! - slow[0]!);
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.4);
      expect(Math.abs(fast[1]! - slow[1]!)).toBeLessThan(0.2 * (slow[2]! - slow[0]!));
    }
  });

  it("is reproducible for a seed", () => {
    const prepared = prepareSamples([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(bootstrapMedians(prepared, 200, createRandom(5))).toEqual(bootstrapMedians(prepared, 200, createRandom(5)));
  });
});
