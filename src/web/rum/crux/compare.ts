import { z } from "zod";
import { PerfError } from "../../../core/errors.js";
import type { RumRating } from "../model.js";
import { CRUX_METRICS, rateCruxValue, thresholdsOf, type CruxFieldData, type CruxFormFactor, type CruxKey, type CruxMetric, type CruxPeriod, type CruxRecord, type CruxSource } from "./model.js";

/**
 * Your own RUM numbers per metric, the minimum a comparison needs. `good`, `needsImprovement`
 * and `poor` are shares (0–1); counts are accepted too and normalised.
 */
export interface FieldSummary {
  metric: CruxMetric;
  count: number;
  p75: number;
  good: number;
  needsImprovement: number;
  poor: number;
}

export interface CruxMetricComparison {
  metric: CruxMetric;
  status: "compared" | "own-only" | "crux-only";
  retired: boolean;
  own: { count: number; p75: number; rating: RumRating; good: number; needsImprovement: number; poor: number } | null;
  crux: { p75: number | null; p75Estimated: boolean; rating: RumRating | null; good: number | null; needsImprovement: number | null; poor: number | null } | null;
  /** Own p75 ÷ CrUX p75: above 1 yours is slower (CLS: shiftier). Null when either is missing or CrUX's is 0. */
  p75Ratio: number | null;
  /** Own p75 − CrUX p75, in the metric's unit. */
  p75Difference: number | null;
  /** Own good share − CrUX good share (0.05 = 5 percentage points). */
  goodShareDifference: number | null;
  sentence: string;
}

export interface CruxComparison {
  source: CruxSource | "record";
  key: CruxKey;
  period: CruxPeriod | null;
  /** "this origin (phone)": what the CrUX side describes. */
  scope: string;
  metrics: CruxMetricComparison[];
  ownOnly: CruxMetric[];
  cruxOnly: CruxMetric[];
}

export interface CompareWithCruxOptions {
  formFactor?: CruxFormFactor;
  origin?: string;
  url?: string;
}

const fieldSummarySchema = z.array(
  z.object({
    metric: z.enum(CRUX_METRICS as [CruxMetric, ...CruxMetric[]]),
    count: z.number().nonnegative(),
    p75: z.number().finite(),
    good: z.number().nonnegative(),
    needsImprovement: z.number().nonnegative(),
    poor: z.number().nonnegative(),
  }),
);

/** "2.9 s", "183 ms", "0.08". */
export function formatCruxValue(metric: CruxMetric, value: number): string {
  if (thresholdsOf(metric).unit === "score") return value.toFixed(2);
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** "phone", "all devices", "desktop, 4G". */
export function describeCruxDims(key: CruxKey): string {
  const device = key.formFactor === "ALL_FORM_FACTORS" ? "all devices" : key.formFactor.toLowerCase();
  return key.effectiveConnectionType ? `${device}, ${key.effectiveConnectionType}` : device;
}

/** "this origin (phone)", "this page (desktop, 4G)". */
export function describeCruxScope(key: CruxKey): string {
  return `${key.url !== undefined ? "this page" : "this origin"} (${describeCruxDims(key)})`;
}

function describeKey(key: CruxKey): string {
  return `${key.url ?? key.origin ?? "?"} ${key.formFactor}${key.effectiveConnectionType ? ` ${key.effectiveConnectionType}` : ""}`;
}

function pickRecord(crux: CruxFieldData | CruxRecord, options: CompareWithCruxOptions): CruxRecord {
  if (!("records" in crux)) return crux;
  const matches = crux.records.filter(
    (r) =>
      (options.formFactor === undefined || r.key.formFactor === options.formFactor) &&
      (options.origin === undefined || r.key.origin === options.origin) &&
      (options.url === undefined || r.key.url === options.url),
  );
  const all = matches.filter((r) => r.key.formFactor === "ALL_FORM_FACTORS");
  const only = matches.length === 1 ? matches[0] : all.length === 1 && options.formFactor === undefined ? all[0] : undefined;
  if (only) return only;
  const available = crux.records.map((r) => describeKey(r.key)).join("; ");
  throw new PerfError("USAGE", matches.length === 0 ? `No CrUX record matches ${JSON.stringify(options)}; the data holds: ${available}` : `The CrUX data holds ${matches.length} records (${available}); say which to compare with`, {
    where: crux.file !== undefined ? { file: crux.file } : {},
    hint: "Pass { formFactor: \"PHONE\" | \"DESKTOP\" | \"TABLET\" | \"ALL_FORM_FACTORS\" } and, for several origins, { origin }.",
  });
}

function normaliseShares(s: FieldSummary): { good: number; needsImprovement: number; poor: number } {
  const total = s.good + s.needsImprovement + s.poor;
  // Shares sum to 1; anything well above is counts.
  const d = total > 1.001 ? total : 1;
  return { good: s.good / d, needsImprovement: s.needsImprovement / d, poor: s.poor / d };
}

function sentenceFor(c: Omit<CruxMetricComparison, "sentence">, scope: string): string {
  const { metric } = c;
  const fmt = (v: number) => formatCruxValue(metric, v);
  const retiredNote = c.retired ? " (FID is retired: INP replaced it)" : "";
  if (c.status === "own-only") return `${metric}: your p75 is ${fmt(c.own!.p75)}; CrUX has no ${metric} data for ${scope}`;
  if (c.status === "crux-only") {
    const p = c.crux!.p75;
    return `${metric}: CrUX has ${p === null ? "data" : `p75 ${fmt(p)}`} for ${scope}; your RUM has none${retiredNote}`;
  }
  const own = c.own!.p75;
  const cruxP75 = c.crux!.p75;
  const approx = c.crux!.p75Estimated ? "~" : "";
  if (cruxP75 === null) return `your ${metric} p75 is ${fmt(own)}; CrUX has no p75 for ${scope} in this period`;
  if (c.p75Ratio === null) return `your ${metric} p75 ${fmt(own)} vs CrUX's ${approx}${fmt(cruxP75)} for ${scope}${retiredNote}`;
  const pct = Math.round(Math.abs(c.p75Ratio - 1) * 100);
  const score = thresholdsOf(metric).unit === "score";
  const relation = pct < 5 ? "on par with" : `${pct}% ${c.p75Ratio > 1 ? (score ? "higher" : "slower") : score ? "lower" : "faster"} than`;
  return `your ${metric} p75 ${fmt(own)} is ${relation} CrUX's ${approx}${fmt(cruxP75)} for ${scope}${retiredNote}`;
}

/**
 * Compares your RUM summary with CrUX's field data, metric by metric. With several CrUX
 * records (BigQuery phone + desktop) pick one through `options`; all-devices is the default.
 */
export function compareWithCrux(own: readonly FieldSummary[], crux: CruxFieldData | CruxRecord, options: CompareWithCruxOptions = {}): CruxComparison {
  const parsed = fieldSummarySchema.safeParse(own);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PerfError("USAGE", `compareWithCrux: own[${issue.path.join("].")}: ${issue.message}`, { hint: "Pass one { metric, count, p75, good, needsImprovement, poor } per metric." });
  }
  const ownByMetric = new Map<CruxMetric, FieldSummary>();
  for (const s of parsed.data) {
    if (ownByMetric.has(s.metric)) throw new PerfError("USAGE", `compareWithCrux: ${s.metric} appears twice in your summary`, { hint: "Pass one summary per metric." });
    ownByMetric.set(s.metric, s);
  }
  const record = pickRecord(crux, options);
  const scope = describeCruxScope(record.key);
  const metrics: CruxMetricComparison[] = [];
  for (const metric of CRUX_METRICS) {
    const o = ownByMetric.get(metric);
    const x = record.metrics.find((m) => m.metric === metric);
    if (!o && !x) continue;
    const ownSide = o ? { count: o.count, p75: o.p75, rating: rateCruxValue(metric, o.p75), ...normaliseShares(o) } : null;
    const cruxSide = x
      ? { p75: x.p75, p75Estimated: x.p75Estimated, rating: x.p75 === null ? null : rateCruxValue(metric, x.p75), good: x.shares?.good ?? null, needsImprovement: x.shares?.needsImprovement ?? null, poor: x.shares?.poor ?? null }
      : null;
    const both = ownSide !== null && cruxSide !== null;
    const p75Ratio = both && cruxSide.p75 !== null && cruxSide.p75 > 0 ? ownSide.p75 / cruxSide.p75 : null;
    const partial: Omit<CruxMetricComparison, "sentence"> = {
      metric,
      status: both ? "compared" : ownSide ? "own-only" : "crux-only",
      retired: metric === "FID",
      own: ownSide,
      crux: cruxSide,
      p75Ratio,
      p75Difference: both && cruxSide.p75 !== null ? ownSide.p75 - cruxSide.p75 : null,
      goodShareDifference: both && cruxSide.good !== null ? ownSide.good - cruxSide.good : null,
    };
    metrics.push({ ...partial, sentence: sentenceFor(partial, scope) });
  }
  return {
    source: "records" in crux ? crux.source : "record",
    key: record.key,
    period: record.period,
    scope,
    metrics,
    ownOnly: metrics.filter((m) => m.status === "own-only").map((m) => m.metric),
    cruxOnly: metrics.filter((m) => m.status === "crux-only").map((m) => m.metric),
  };
}
