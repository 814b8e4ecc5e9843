/**
 * E-divisive means (Matteson & James, 2014), written from the paper: hierarchical
 * bisection of a series by the energy-statistic divergence between two adjacent segments,
 * each split kept only if a permutation test finds it significant. Distances are |x − y|
 * (the paper's exponent α = 1), which makes the statistic sensitive to a change in the
 * mean or the spread, not just the mean, and does not assume a distribution.
 */

export interface EDivisiveOptions {
  /** Significance level of each permutation test. */
  alpha: number;
  permutations: number;
  /** Fewest points on each side of a split (≥ 2). */
  minSegment: number;
  seed: number;
}

export interface EDivisiveSplit {
  /** Index of the first point after the change. */
  index: number;
  /** Energy statistic Q̂ of the split (larger: more distinct segments). */
  statistic: number;
  /** Permutation p-value: (permuted maxima ≥ observed + 1) / (permutations run + 1). */
  pValue: number;
  /** Permutations actually run (fewer than asked when the test stopped early). */
  permutations: number;
}

interface Best {
  tau: number;
  q: number;
}

interface Segment {
  start: number;
  end: number;
  best: Best | null;
}

/** Returns the significant splits, in the order they were found. */
export function eDivisive(values: readonly number[], options: EDivisiveOptions): EDivisiveSplit[] {
  const random = seededRandom(options.seed);
  const segments: Segment[] = [{ start: 0, end: values.length, best: null }];
  const splits: EDivisiveSplit[] = [];
  const scratch = new Float64Array(values.length);
  // One (n+1)² table reused by every search: allocating it per permutation churns the GC.
  const table = new Float64Array((values.length + 1) ** 2);

  for (;;) {
    for (const seg of segments) {
      if (seg.best === null) seg.best = bestSplit(values.slice(seg.start, seg.end), options.minSegment, table);
    }
    let chosen: Segment | null = null;
    for (const seg of segments) if (seg.best && seg.best.tau > 0 && (!chosen || seg.best.q > chosen.best!.q)) chosen = seg;
    if (!chosen || !chosen.best) break;
    const observed = chosen.best.q;

    // Null distribution: permute within every current segment (the changes found so far
    // stay), take the largest best split over all segments, as in the paper.
    // Stop as soon as the p-value can no longer reach alpha: null splits cost a few
    // permutations instead of all of them.
    const allowed = options.alpha * (options.permutations + 1) + 1e-9;
    let exceed = 0;
    let run = 0;
    while (run < options.permutations && exceed + 1 <= allowed) {
      let qMax = 0;
      for (const seg of segments) {
        if (seg.end - seg.start < 2 * options.minSegment) continue;
        const part = scratch.subarray(seg.start, seg.end);
        for (let i = 0; i < part.length; i++) part[i] = values[seg.start + i]!;
        shuffle(part, random);
        qMax = Math.max(qMax, bestSplit(part, options.minSegment, table).q);
      }
      run++;
      if (qMax >= observed) exceed++;
    }
    const pValue = (exceed + 1) / (run + 1);
    if (pValue > options.alpha) break;

    const index = chosen.start + chosen.best.tau;
    splits.push({ index, statistic: observed, pValue, permutations: run });
    segments.splice(segments.indexOf(chosen), 1, { start: chosen.start, end: index, best: null }, { start: index, end: chosen.end, best: null });
  }
  return splits;
}

/**
 * The best split τ of z (and end κ ≤ |z| of its right half) maximising
 * Q̂ = m·n/(m+n) · [2/(mn)·Σ|x−y| − Σ|x−x'|/C(m,2) − Σ|y−y'|/C(n,2)], with m = τ, n = κ − τ.
 * W[a][b] holds Σ|z_i − z_j| over a ≤ i < j < b, so every term is a table look-up and the
 * whole search is O(|z|²).
 */
function bestSplit(z: ArrayLike<number>, minSegment: number, w: Float64Array): Best {
  const len = z.length;
  const best: Best = { tau: 0, q: 0 };
  if (len < 2 * minSegment) return best;
  const stride = len + 1;
  for (let j = 0; j < len; j++) {
    // Column j: W[a][j+1] = W[a][j] + Σ_{i=a}^{j−1} |z_i − z_j|.
    const zj = z[j]!;
    w[j * stride + j + 1] = 0;
    let s = 0;
    for (let a = j - 1; a >= 0; a--) {
      s += Math.abs(z[a]! - zj);
      w[a * stride + j + 1] = w[a * stride + j]! + s;
    }
  }
  for (let tau = minSegment; tau <= len - minSegment; tau++) {
    const m = tau;
    const withinLeft = w[tau]! / ((m * (m - 1)) / 2);
    const rowTau = tau * stride;
    for (let kappa = tau + minSegment; kappa <= len; kappa++) {
      const n = kappa - tau;
      const withinRight = w[rowTau + kappa]!;
      const between = w[kappa]! - w[tau]! - withinRight;
      const energy = (2 * between) / (m * n) - withinLeft - withinRight / ((n * (n - 1)) / 2);
      const q = ((m * n) / (m + n)) * energy;
      if (q > best.q) {
        best.q = q;
        best.tau = tau;
      }
    }
  }
  return best;
}

/** Weyl sequence through a 32-bit integer mixer: small, seedable, good enough for shuffles. */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

function shuffle(a: Float64Array, random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
