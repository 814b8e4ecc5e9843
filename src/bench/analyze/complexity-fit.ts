import { PerfError } from "../../core/errors.js";
import { COMPLEXITY_MODELS, fitModel, type ComplexityModel, type FitPoint, type ModelFit } from "./complexity-models.js";

export { COMPLEXITY_MODELS, COMPLEXITY_LABELS, type ComplexityModel, type ModelFit } from "./complexity-models.js";

/**
 * Which growth class (O(1) … O(2ⁿ)) best explains measured time per input size. Every
 * model is fitted as time ≈ a + b·f(n); they are ranked by AICc on log residuals, so a
 * 10% miss at n = 100 weighs as much as a 10% miss at n = 10⁶ and a steep model gains
 * nothing by nailing the largest size only. When a simpler model is within 2 AICc of the
 * best (the data cannot tell them apart), the simpler one is chosen and a note says so.
 */

export type ComplexityConfidence = "high" | "medium" | "low";

export interface ComplexityFit {
  best: ModelFit;
  /** Every model, best score first. */
  fits: ModelFit[];
  confidence: ComplexityConfidence;
  /**
   * The next-best model that predicts a different curve, and how much worse it scores
   * (AICc units; ≥ 10 is decisive). Null when every other model collapses onto the best.
   */
  runnerUp: { model: ComplexityModel; deltaAicc: number } | null;
  notes: string[];
  /** The method in words, printed with the verdict. */
  method: string;
}

/** AICc gap under which two models count as fitting equally well. */
const EQUIVALENT_AICC = 2;
const METHOD =
  "least squares of time = a + b·f(n) (a, b ≥ 0, weighted by 1/time²) for O(1), O(log n), O(n), O(n log n), O(n²), O(n³), O(2ⁿ); " +
  `ranked by AICc on log residuals; a simpler model within ${EQUIVALENT_AICC} AICc of the best is preferred`;

export function fitComplexity(points: readonly FitPoint[]): ComplexityFit {
  validatePoints(points);
  const all = COMPLEXITY_MODELS.map((model) => fitModel(model, points));
  const fits = [...all].sort((x, y) => x.aicc - y.aicc || rank(x.model) - rank(y.model));
  const top = fits[0]!;
  const notes: string[] = [];

  // Among models that fit as well as the top one, the slowest-growing wins.
  let best = top;
  for (const f of fits) if (f.aicc - top.aicc <= EQUIVALENT_AICC && rank(f.model) < rank(best.model)) best = f;
  if (best !== top) {
    notes.push(`${top.model} scores slightly better (ΔAICc ${(best.aicc - top.aicc).toFixed(1)}) but the simpler ${best.model} fits almost equally well, so ${best.model} is reported`);
  }
  // A steeper model whose curve stays within the noise of the best one (e.g. O(log n) with
  // a near-zero slope on constant data) is the same answer, not a rival.
  const tolerance = Math.max(2 * best.rmsLogError, 0.02);
  const others = fits.filter((f) => f !== best);
  const rivals = others.filter((f) => rank(f.model) < rank(best.model) || !sameCurve(f, best, tolerance));
  const rival = rivals[0];
  const deltaAicc = rival ? rival.aicc - best.aicc : Number.POSITIVE_INFINITY;

  let confidence: ComplexityConfidence = deltaAicc >= 10 ? "high" : deltaAicc >= 4 ? "medium" : "low";
  const cap = (level: ComplexityConfidence): void => {
    if (order(level) < order(confidence)) confidence = level;
  };
  if (!rival) notes.push(`every other model collapses onto the ${best.model} curve within the noise`);
  else if (deltaAicc < 4) notes.push(`${rival.model} fits nearly as well (ΔAICc ${deltaAicc.toFixed(1)}): measure more sizes over a wider range, or more repeats`);

  const ns = points.map((p) => p.n);
  const minN = Math.min(...ns);
  const maxN = Math.max(...ns);
  if (best.model === "O(2ⁿ)") {
    // For an exponential the additive range is what matters: 2^(Δn) growth.
    const steps = maxN - minN;
    if (steps < 4) cap("low");
    else if (steps < 8) cap("medium");
    if (steps < 8) notes.push(`sizes differ by only ${steps.toFixed(0)}: use a range of at least 8 so the growth can be told from a polynomial`);
    if (best.base !== undefined) notes.push(`time multiplies by about ${best.base.toFixed(2)} per +1 in n (O(2ⁿ) names the exponential class; the fitted base is ${best.base.toFixed(2)})`);
  } else {
    const span = maxN / minN;
    if (span < 8) cap("low");
    else if (span < 64) cap("medium");
    if (span < 64) notes.push(`sizes span only ${formatSpan(span)}: use a wider range (≥ 100×) to separate neighbouring classes such as O(n) and O(n log n)`);
  }
  const distinct = new Set(ns).size;
  if (distinct < 5) {
    cap("medium");
    notes.push(`only ${distinct} distinct sizes: use 5 or more`);
  }
  if (best.rmsLogError > 0.25) {
    cap("low");
    notes.push(`even the best fit misses by about ${pct(best.rmsLogError)} on average: the time may not follow one class (cache or GC effects, noise), so read the per-size times`);
  } else if (best.rmsLogError > 0.1) {
    cap("medium");
    notes.push(`the best fit misses by about ${pct(best.rmsLogError)} on average: noisy or mixed growth`);
  }
  const times = points.map((p) => p.ns);
  const growth = Math.max(...times) / Math.max(Math.min(...times), Number.MIN_VALUE);
  if (best.model !== "O(1)" && growth < 1.5) notes.push(`time grows only ${growth.toFixed(2)}× across the sizes: the constant part dominates`);

  return { best, fits, confidence, runnerUp: rival ? { model: rival.model, deltaAicc } : null, notes, method: METHOD };
}

function sameCurve(x: ModelFit, y: ModelFit, tolerance: number): boolean {
  return x.predicted.every((p, i) => Math.abs(Math.log(Math.max(p, 1e-300) / Math.max(y.predicted[i]!, 1e-300))) <= tolerance);
}

function rank(model: ComplexityModel): number {
  return COMPLEXITY_MODELS.indexOf(model);
}

function order(level: ComplexityConfidence): number {
  return level === "low" ? 0 : level === "medium" ? 1 : 2;
}

function pct(rmsLog: number): string {
  return `${((Math.exp(rmsLog) - 1) * 100).toFixed(0)}%`;
}

function formatSpan(span: number): string {
  return `${span < 10 ? span.toFixed(1) : span.toFixed(0)}×`;
}

function validatePoints(points: readonly FitPoint[]): void {
  const hint = "pass one { n, ns } per measured size: n > 0 (the input size), ns ≥ 0 (time per call), at least 3 distinct n";
  if (!Array.isArray(points)) throw new PerfError("USAGE", "fitComplexity expects an array of { n, ns } points", { hint });
  points.forEach((p, i) => {
    if (!p || !Number.isFinite(p.n) || p.n <= 0 || !Number.isFinite(p.ns) || p.ns < 0) {
      throw new PerfError("USAGE", `fitComplexity: point ${i} is ${JSON.stringify(p)}, not a positive n with a finite ns ≥ 0`, { hint });
    }
  });
  const distinct = new Set(points.map((p) => p.n)).size;
  if (distinct < 3) throw new PerfError("USAGE", `fitComplexity needs at least 3 distinct sizes, got ${distinct}`, { hint });
}
