/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) so a
 * bootstrap gives the same interval for the same data and seed, run after run. Not for
 * cryptography; only for resampling and simulations.
 */

export interface Random {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, bound). `bound` must be a positive integer below 2^32. */
  nextInt(bound: number): number;
  /** Standard normal draw (mean 0, standard deviation 1). */
  nextNormal(): number;
  /** Gamma(shape, 1) draw; shape > 0. */
  nextGamma(shape: number): number;
  /** Beta(a, b) draw; a, b > 0. */
  nextBeta(a: number, b: number): number;
}

const TWO_POW_32 = 4294967296;

/** Creates a generator from any finite number seed; equal seeds give equal streams. */
export function createRandom(seed: number): Random {
  // splitmix32 spreads a small or structured seed over the 128-bit state, which must not be all zero.
  let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  // State kept in an Int32Array and int32 arithmetic: closure variables holding uint32
  // values above 2^31 would be boxed as heap numbers on every step, ten times slower.
  const state = Int32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;

  const nextUint32 = (): number => {
    const s1 = state[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    state[2]! ^= state[0]!;
    state[3]! ^= s1;
    state[1]! ^= state[2]!;
    state[0]! ^= state[3]!;
    state[2]! ^= t;
    state[3] = rotl(state[3]!, 11);
    return result >>> 0;
  };

  const next = (): number => nextUint32() / TWO_POW_32;

  // Box–Muller gives two normals per pair of uniforms; keep the spare.
  let spare: number | undefined;
  const nextNormal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = next();
    while (u === 0) u = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  // Marsaglia–Tsang squeeze method; shapes below 1 are boosted by one and scaled back by U^(1/shape).
  const nextGamma = (shape: number): number => {
    if (shape < 1) {
      let u = next();
      while (u === 0) u = next();
      return nextGamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      const x = nextNormal();
      const base = 1 + cc * x;
      if (base <= 0) continue;
      const v = base * base * base;
      const u = next();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
      if (u > 0 && Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };

  return {
    next,
    nextInt: (bound: number): number => Math.floor(next() * bound),
    nextNormal,
    nextGamma,
    nextBeta: (alpha: number, beta: number): number => {
      const x = nextGamma(alpha);
      return x / (x + nextGamma(beta));
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
