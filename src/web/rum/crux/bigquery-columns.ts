import { z } from "zod";
import type { CruxBin } from "./histogram.js";
import { monthPeriod, type CruxFormFactor, type CruxMetric, type CruxPeriod } from "./model.js";
import { isObject, malformedCrux, numberLike, optionalNumber, parseOrThrow, type Json } from "./validate.js";
import { whereOf, type LocatedRow } from "./bigquery-rows.js";

/**
 * Reading one BigQuery row of the `chrome-ux-report` dataset. Raw monthly tables
 * (`all.YYYYMM`, `country_xx.YYYYMM`) hold per-metric `histogram.bin[{start, end, density}]`
 * records; the `materialized.*_summary` tables hold flat columns `p75_lcp`, `fast_lcp`,
 * `avg_lcp`, `slow_lcp` (CLS: `small_cls`, `medium_cls`, `large_cls`).
 */
export const BIGQUERY_HINT =
  "Export the query result with `bq query --format=json` (or EXPORT DATA as JSON), selecting `origin`, the dimension columns (form_factor / device, yyyymm or date) and the metric columns unchanged.";

/** Where each metric sits in a raw monthly table; the first path present wins. */
export const RAW_METRIC_PATHS: ReadonlyArray<{ metric: CruxMetric; path: readonly string[] }> = [
  { metric: "LCP", path: ["largest_contentful_paint"] },
  { metric: "INP", path: ["interaction_to_next_paint"] },
  { metric: "INP", path: ["experimental", "interaction_to_next_paint"] },
  { metric: "CLS", path: ["layout_instability", "cumulative_layout_shift"] },
  { metric: "FCP", path: ["first_contentful_paint"] },
  { metric: "TTFB", path: ["experimental", "time_to_first_byte"] },
  { metric: "TTFB", path: ["time_to_first_byte"] },
  { metric: "FID", path: ["first_input", "delay"] },
];

export const MATERIALIZED_SUFFIX: Readonly<Record<CruxMetric, string>> = { LCP: "lcp", INP: "inp", CLS: "cls", FCP: "fcp", TTFB: "ttfb", FID: "fid" };
const BANDS = (metric: CruxMetric) => (metric === "CLS" ? (["small", "medium", "large"] as const) : (["fast", "avg", "slow"] as const));
const MATERIALIZED_COLUMN = /^(p75|fast|avg|slow|small|medium|large)_([a-z0-9]+)$/;

const DIMENSION_KEYS = new Set(["origin", "url", "form_factor", "device", "effective_connection_type", "yyyymm", "date", "rank", "country_code"]);
/** Records that only group metrics perfscope reads by their full path. */
const CONTAINERS = new Set(["experimental", "first_input", "layout_instability"]);

function valueAt(row: Json, path: readonly string[]): unknown {
  let v: unknown = row;
  for (const p of path) v = isObject(v) ? v[p] : undefined;
  return v;
}

export type RowKind = "raw" | "materialized";

/** Which table family a row comes from, or null when it is not a CrUX row at all. */
export function classifyRow(row: Json): RowKind | null {
  if (RAW_METRIC_PATHS.some(({ path }) => isObject(valueAt(row, path)) && "histogram" in (valueAt(row, path) as Json))) return "raw";
  const known = new Set(Object.values(MATERIALIZED_SUFFIX));
  if (Object.keys(row).some((k) => known.has(MATERIALIZED_COLUMN.exec(k)?.[2] ?? ""))) return "materialized";
  return null;
}

const nameOrString = z.union([z.string(), z.object({ name: z.string().nullable() })]).nullable().optional();
const dimsSchema = z.object({
  origin: z.string({ required_error: "missing" }),
  form_factor: nameOrString,
  device: z.string().nullable().optional(),
  effective_connection_type: nameOrString,
  yyyymm: optionalNumber,
  date: z.string().regex(/^\d{4}-\d{2}/, "expected a date like 2024-06-01").nullable().optional(),
});

export interface RowDims {
  origin: string;
  formFactor: CruxFormFactor;
  connection: string | undefined;
  period: CruxPeriod | null;
}

const FORM_FACTORS: Record<string, CruxFormFactor> = { phone: "PHONE", desktop: "DESKTOP", tablet: "TABLET" };

export function readDims(r: LocatedRow, file: string): RowDims {
  const d = parseOrThrow(dimsSchema, r.row, r.label, "BigQuery CrUX row", whereOf(file, r), BIGQUERY_HINT);
  const name = (v: typeof d.form_factor) => (v === null || v === undefined ? undefined : typeof v === "string" ? v : (v.name ?? undefined));
  const device = name(d.form_factor) ?? d.device ?? undefined;
  const formFactor = device === undefined ? "ALL_FORM_FACTORS" : FORM_FACTORS[device.toLowerCase()];
  if (formFactor === undefined) throw malformedCrux(`${file}: ${r.label}: unknown device "${device}" (expected phone, desktop or tablet)`, whereOf(file, r), BIGQUERY_HINT);
  let period: CruxPeriod | null = null;
  if (d.yyyymm !== undefined) period = monthPeriod(Math.floor(d.yyyymm / 100), d.yyyymm % 100);
  else if (d.date) period = monthPeriod(Number(d.date.slice(0, 4)), Number(d.date.slice(5, 7)));
  return { origin: d.origin, formFactor, connection: name(d.effective_connection_type), period };
}

const rawMetricSchema = z.object({
  histogram: z.object({ bin: z.array(z.object({ start: numberLike, end: optionalNumber, density: numberLike })).nullable() }).nullable().optional(),
  percentiles: z.object({ p75: optionalNumber }).nullable().optional(),
});

export interface RawMetricCells {
  metric: CruxMetric;
  sourceName: string;
  bins: CruxBin[];
  p75: number | undefined;
}

export function readRawMetrics(r: LocatedRow, file: string): RawMetricCells[] {
  const out: RawMetricCells[] = [];
  for (const { metric, path } of RAW_METRIC_PATHS) {
    if (out.some((m) => m.metric === metric)) continue;
    const value = valueAt(r.row, path);
    if (value === undefined || value === null) continue;
    const sourceName = path.join(".");
    const m = parseOrThrow(rawMetricSchema, value, `${r.label}.${sourceName}`, "BigQuery CrUX row", whereOf(file, r), BIGQUERY_HINT);
    out.push({ metric, sourceName, bins: m.histogram?.bin ?? [], p75: m.percentiles?.p75 ?? undefined });
  }
  return out;
}

export interface MaterializedCells {
  metric: CruxMetric;
  sourceName: string;
  p75: number | undefined;
  bands: [number, number, number] | undefined;
}

export function readMaterializedMetrics(r: LocatedRow, file: string): MaterializedCells[] {
  const out: MaterializedCells[] = [];
  const num = (col: string) => parseOrThrow(optionalNumber, r.row[col], `${r.label}.${col}`, "BigQuery CrUX row", whereOf(file, r), BIGQUERY_HINT);
  for (const [metric, suffix] of Object.entries(MATERIALIZED_SUFFIX) as Array<[CruxMetric, string]>) {
    const cols = BANDS(metric).map((b) => `${b}_${suffix}`);
    const values = cols.map(num);
    const p75 = num(`p75_${suffix}`);
    const present = values.filter((v) => v !== undefined).length;
    if (present === 0 && p75 === undefined) continue;
    if (present > 0 && present < 3) {
      const missing = cols.filter((_, i) => values[i] === undefined).join(", ");
      throw malformedCrux(`${file}: ${r.label}: ${missing} missing (the other ${metric} share columns are there; all three are needed)`, whereOf(file, r), BIGQUERY_HINT);
    }
    out.push({ metric, sourceName: `p75_${suffix}`, p75, bands: present === 3 ? (values as [number, number, number]) : undefined });
  }
  return out;
}

/** Columns / records the row carries that perfscope does not compare. */
export function extraColumns(row: Json, kind: RowKind): string[] {
  const known = new Set(Object.values(MATERIALIZED_SUFFIX));
  if (kind === "materialized") {
    const families = new Set<string>();
    for (const k of Object.keys(row)) {
      const suffix = MATERIALIZED_COLUMN.exec(k)?.[2];
      if (suffix !== undefined && !known.has(suffix)) families.add(`*_${suffix}`);
    }
    return [...families];
  }
  const used = new Set(RAW_METRIC_PATHS.map(({ path }) => path.join(".")));
  const hasHistogram = (v: unknown) => isObject(v) && "histogram" in v;
  const extra: string[] = [];
  for (const [k, v] of Object.entries(row)) if (!DIMENSION_KEYS.has(k) && !CONTAINERS.has(k) && !used.has(k) && hasHistogram(v)) extra.push(k);
  const exp = row.experimental;
  if (isObject(exp)) for (const [k, v] of Object.entries(exp)) if (!used.has(`experimental.${k}`) && hasHistogram(v)) extra.push(`experimental.${k}`);
  return extra;
}
