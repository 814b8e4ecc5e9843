/**
 * The growth models that fitComplexity compares, and the fit of one model:
 * time ≈ a + b·f(n) with a, b ≥ 0 (overhead and growth cannot be negative), by least
 * squares weighted with 1/time², so every size counts by its relative error rather than
 * the largest size drowning the rest. The exponential class also fits its base c in
 * f(n) = cⁿ (naive Fibonacci grows as 1.618ⁿ, subset enumeration as 2ⁿ: both are O(2ⁿ)-class).
 */

export type ComplexityModel = "O(1)" | "O(log n)" | "O(n)" | "O(n log n)" | "O(n²)" | "O(n³)" | "O(2ⁿ)";

/** Simplest (slowest-growing) first: the order used to prefer the simpler of two equal fits. */
export const COMPLEXITY_MODELS: readonly ComplexityModel[] = ["O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n²)", "O(n³)", "O(2ⁿ)"];

export const COMPLEXITY_LABELS: Readonly<Record<ComplexityModel, string>> = {
  "O(1)": "constant",
  "O(log n)": "logarithmic",
  "O(n)": "linear",
  "O(n log n)": "linearithmic",
  "O(n²)": "quadratic",
  "O(n³)": "cubic",
  "O(2ⁿ)": "exponential",
};

export interface ModelFit {
  model: ComplexityModel;
  label: string;
  /** Constant part (ns): time ≈ a + b·f(n). */
  a: number;
  /** Growth coefficient (ns per unit of f(n)); 0 when it underflows, then see log2b. */
  b: number;
  /** log2(b), exact even when cⁿ makes b itself underflow; null when b = 0. */
  log2b: number | null;
  /** 1 − SSE/SST in linear space. */
  r2: number;
  /** Root mean square error divided by the mean time. */
  nrmse: number;
  /** Root mean square of ln(measured/predicted): ≈ the typical relative error. */
  rmsLogError: number;
  /** Small-sample Akaike information criterion on the log residuals: lower is better. */
  aicc: number;
  /** Parameters fitted: 1 for O(1), 3 for O(2ⁿ) (a, b and the base), 2 otherwise. */
  parameters: number;
  /** O(2ⁿ) only: the fitted base c of cⁿ (time multiplies by c per +1 in n). */
  base?: number;
  /** Predicted time (ns) at each input size, in input order. */
  predicted: number[];
}

export interface FitPoint {
  n: number;
  ns: number;
}

/** log2 f(n); working in logs keeps cⁿ finite for any n. */
function log2Growth(model: ComplexityModel, n: number, base: number): number {
  switch (model) {
    case "O(1)":
      return 0;
    case "O(log n)":
      return Math.log2(Math.log2(Math.max(n, 1)));
    case "O(n)":
      return Math.log2(n);
    case "O(n log n)":
      return Math.log2(n) + Math.log2(Math.log2(Math.max(n, 1)));
    case "O(n²)":
      return 2 * Math.log2(n);
    case "O(n³)":
      return 3 * Math.log2(n);
    case "O(2ⁿ)":
      return n * Math.log2(base);
  }
}

// Below this RMS log error two fits are equally exact: keeps ln(0) out of the AIC.
const RMS_LOG_FLOOR = 1e-6;

// Exponential bases searched: below 1.05 an exponential is indistinguishable from a polynomial.
const MIN_BASE = 1.05;
const MAX_BASE = 16;

/** Fits one model to the points (n > 0, ns ≥ 0) and scores it. */
export function fitModel(model: ComplexityModel, points: readonly FitPoint[]): ModelFit {
  if (model !== "O(2ⁿ)") return fitWithBase(model, points, 2);
  // The base enters non-linearly: scan it on a log grid, then refine around the best.
  let best = fitWithBase(model, points, MIN_BASE);
  const lo = Math.log(MIN_BASE);
  const hi = Math.log(MAX_BASE);
  const steps = 160;
  let bestStep = 0;
  for (let i = 1; i <= steps; i++) {
    const fit = fitWithBase(model, points, Math.exp(lo + ((hi - lo) * i) / steps));
    if (fit.rmsLogError < best.rmsLogError) {
      best = fit;
      bestStep = i;
    }
  }
  // Golden-section search within one grid step either side of the best grid point.
  const width = (hi - lo) / steps;
  let left = Math.max(lo, lo + (bestStep - 1) * width);
  let right = Math.min(hi, lo + (bestStep + 1) * width);
  const ratio = (Math.sqrt(5) - 1) / 2;
  const errorAt = (logBase: number): number => fitWithBase(model, points, Math.exp(logBase)).rmsLogError;
  let x1 = right - ratio * (right - left);
  let x2 = left + ratio * (right - left);
  let f1 = errorAt(x1);
  let f2 = errorAt(x2);
  for (let i = 0; i < 60; i++) {
    if (f1 <= f2) {
      right = x2;
      x2 = x1;
      f2 = f1;
      x1 = right - ratio * (right - left);
      f1 = errorAt(x1);
    } else {
      left = x1;
      x1 = x2;
      f1 = f2;
      x2 = left + ratio * (right - left);
      f2 = errorAt(x2);
    }
  }
  const refined = fitWithBase(model, points, Math.exp((left + right) / 2));
  return refined.rmsLogError <= best.rmsLogError ? refined : best;
}

function fitWithBase(model: ComplexityModel, points: readonly FitPoint[], base: number): ModelFit {
  const m = points.length;
  const maxNs = Math.max(...points.map((p) => p.ns));
  // Zero times would get infinite weight and log: floor them far below the data.
  const floor = maxNs > 0 ? maxNs * 1e-9 : 1e-12;
  const ys = points.map((p) => Math.max(p.ns, floor));
  const logF = points.map((p) => log2Growth(model, p.n, base));
  // Scale f by its maximum so 2ⁿ or n³ at large n stay well-conditioned.
  const logScale = model === "O(1)" ? 0 : Math.max(...logF.filter(Number.isFinite));
  const xs = model === "O(1)" ? points.map(() => 0) : logF.map((l) => (Number.isFinite(l) ? 2 ** (l - logScale) : 0));
  const ws = ys.map((y) => 1 / (y * y));
  const { a, bScaled } = fitNonNegativeLine(xs, ys, ws, model !== "O(1)");
  const predicted = xs.map((x) => a + bScaled * x);

  let sseLin = 0;
  let sseLog = 0;
  for (let i = 0; i < m; i++) {
    const y = points[i]!.ns;
    const yHat = predicted[i]!;
    sseLin += (y - yHat) ** 2;
    sseLog += (Math.log(ys[i]!) - Math.log(Math.max(yHat, floor))) ** 2;
  }
  const mean = points.reduce((s, p) => s + p.ns, 0) / m;
  const sst = points.reduce((s, p) => s + (p.ns - mean) ** 2, 0);
  const k = model === "O(1)" ? 1 : model === "O(2ⁿ)" ? 3 : 2;
  const variance = Math.max(sseLog / m, RMS_LOG_FLOOR ** 2);
  const aic = m * Math.log(variance) + 2 * k;
  const aicc = m - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (m - k - 1) : aic;
  const log2b = bScaled > 0 ? Math.log2(bScaled) - logScale : null;
  return {
    model,
    label: COMPLEXITY_LABELS[model],
    a,
    b: log2b === null ? 0 : 2 ** log2b,
    log2b,
    r2: sst > 0 ? 1 - sseLin / sst : sseLin === 0 ? 1 : 0,
    nrmse: mean > 0 ? Math.sqrt(sseLin / m) / mean : 0,
    rmsLogError: Math.sqrt(sseLog / m),
    aicc,
    parameters: k,
    ...(model === "O(2ⁿ)" ? { base } : {}),
    predicted,
  };
}

/**
 * Weighted least squares of y ≈ a + b·x with a ≥ 0, b ≥ 0. With two unknowns the
 * constrained optimum is the free optimum if feasible, else the best fit with one of the
 * two pinned at zero.
 */
function fitNonNegativeLine(xs: number[], ys: number[], ws: number[], withSlope: boolean): { a: number; bScaled: number } {
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = ws[i]!, x = xs[i]!, y = ys[i]!;
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const constantOnly = { a: sy / sw, bScaled: 0 };
  if (!withSlope) return constantOnly;
  const det = sw * sxx - sx * sx;
  if (det > 1e-12 * sw * sxx) {
    const b = (sw * sxy - sx * sy) / det;
    const a = (sy - b * sx) / sw;
    if (a >= 0 && b >= 0) return { a, bScaled: b };
  }
  const candidates = [constantOnly];
  if (sxx > 0) candidates.push({ a: 0, bScaled: Math.max(0, sxy / sxx) });
  let best = constantOnly;
  let bestSse = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    let sse = 0;
    for (let i = 0; i < xs.length; i++) sse += ws[i]! * (ys[i]! - c.a - c.bScaled * xs[i]!) ** 2;
    if (sse < bestSse) {
      bestSse = sse;
      best = c;
    }
  }
  return best;
}
