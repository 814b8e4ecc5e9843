/**
 * Reproducible random numbers for the RUM tests: a seeded generator (mulberry32) and
 * log-normal draws, the usual shape of page-load timings.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function drawNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** exp(N(ln median, sigma)): half the draws fall below `median`. */
export function drawLogNormal(random: () => number, median: number, sigma: number): number {
  return median * Math.exp(sigma * drawNormal(random));
}

/** The nearest-rank quantile of exact values: the smallest value with at least q·n at or below. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
  if (value === undefined) throw new Error("no values");
  return value;
}
