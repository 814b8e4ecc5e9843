import { thresholdsOf, type CruxMetric, type CruxShares } from "./model.js";

/** One histogram bin with numbers already parsed; `end` undefined means open-ended (to +∞). */
export interface CruxBin {
  start: number;
  end?: number | undefined;
  density: number;
}

/**
 * Density below `x`, spreading each finite bin's density evenly over its width. CrUX API bins
 * and BigQuery's fine bins both align with the thresholds, so the spreading only matters for
 * a histogram cut elsewhere; an open-ended bin counts wholly on the side of its start.
 */
function massBelow(bins: readonly CruxBin[], x: number): number {
  let mass = 0;
  for (const b of bins) {
    if (b.start >= x) continue;
    if (b.end === undefined || b.end <= x) mass += b.density;
    else mass += (b.density * (x - b.start)) / (b.end - b.start);
  }
  return mass;
}

function totalDensity(bins: readonly CruxBin[]): number {
  let total = 0;
  for (const b of bins) total += b.density;
  return total;
}

/**
 * Good / needs-improvement / poor shares. Densities are normalised by their sum: CrUX API
 * densities add up to ~1 after rounding, BigQuery raw rows to their slice of the origin.
 */
export function sharesFromBins(metric: CruxMetric, bins: readonly CruxBin[]): CruxShares | null {
  const total = totalDensity(bins);
  if (!(total > 0)) return null;
  const t = thresholdsOf(metric);
  const good = massBelow(bins, t.good) / total;
  const upToPoor = massBelow(bins, t.poor) / total;
  return { good, needsImprovement: upToPoor - good, poor: 1 - upToPoor };
}

/**
 * The 75th percentile interpolated linearly inside the bin where the cumulative share crosses
 * 0.75. In an open-ended bin the best that can be said is its start (a lower bound).
 */
export function estimateP75FromBins(bins: readonly CruxBin[]): number | null {
  const total = totalDensity(bins);
  if (!(total > 0)) return null;
  const sorted = [...bins].sort((a, b) => a.start - b.start);
  const target = 0.75 * total;
  let cumulative = 0;
  for (const b of sorted) {
    if (cumulative + b.density >= target && b.density > 0) {
      if (b.end === undefined) return b.start;
      return b.start + ((target - cumulative) / b.density) * (b.end - b.start);
    }
    cumulative += b.density;
  }
  return sorted[sorted.length - 1]!.start;
}

/** Merges histograms of the same metric (BigQuery rows per connection type) bin by bin. */
export function mergeBins(histograms: readonly (readonly CruxBin[])[]): CruxBin[] {
  const byEdge = new Map<string, CruxBin>();
  for (const bins of histograms) {
    for (const b of bins) {
      const edge = `${b.start}|${b.end ?? ""}`;
      const seen = byEdge.get(edge);
      if (seen) seen.density += b.density;
      else byEdge.set(edge, { ...b });
    }
  }
  return [...byEdge.values()].sort((a, b) => a.start - b.start);
}
