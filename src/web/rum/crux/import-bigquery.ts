import { BIGQUERY_HINT, classifyRow, extraColumns, readDims, readMaterializedMetrics, readRawMetrics, type RowDims, type RowKind } from "./bigquery-columns.js";
import { rowsFromBigQueryText, rowsFromBigQueryValue, whereOf, type LocatedRow } from "./bigquery-rows.js";
import { estimateP75FromBins, mergeBins, sharesFromBins, type CruxBin } from "./histogram.js";
import type { CruxImportOptions } from "./import-api.js";
import {
  CRUX_FIELD_DATA_VERSION,
  CRUX_METRICS,
  RETIRED_CRUX_METRICS,
  latestPointWithData,
  type CruxFieldData,
  type CruxFormFactor,
  type CruxMetric,
  type CruxMetricData,
  type CruxPeriod,
  type CruxPoint,
  type CruxRecord,
} from "./model.js";
import { malformedCrux } from "./validate.js";

/**
 * BigQuery exports of the `chrome-ux-report` dataset, raw monthly tables or materialized
 * summaries. Rows are grouped per (origin, device) into one record each, months into a series.
 * Raw rows split by connection type are merged: their densities are shares of the same
 * whole (the origin's month), so adding them bin by bin is exact.
 */
interface Slot {
  period: CruxPeriod | null;
  rows: LocatedRow[];
}
interface Group {
  origin: string;
  formFactor: CruxFormFactor;
  connections: Set<string>;
  slots: Map<string, Slot>;
  extra: Set<string>;
}

const FORM_ORDER: CruxFormFactor[] = ["ALL_FORM_FACTORS", "PHONE", "DESKTOP", "TABLET"];

function groupRows(rows: readonly LocatedRow[], kind: RowKind, file: string): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    if (classifyRow(r.row) !== kind) {
      const want = kind === "raw" ? "a raw monthly-table row (metric records with histogram.bin)" : "a materialized summary row (p75_* / fast_* columns)";
      throw malformedCrux(`${file}: ${r.label} is not ${want} like the first row`, whereOf(file, r), BIGQUERY_HINT);
    }
    const dims: RowDims = readDims(r, file);
    const gk = `${dims.origin}|${dims.formFactor}`;
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { origin: dims.origin, formFactor: dims.formFactor, connections: new Set(), slots: new Map(), extra: new Set() }));
    if (dims.connection !== undefined) g.connections.add(dims.connection);
    const pk = dims.period?.firstDate ?? "";
    let slot = g.slots.get(pk);
    if (!slot) g.slots.set(pk, (slot = { period: dims.period, rows: [] }));
    if (kind === "materialized" && slot.rows.length > 0) {
      const first = slot.rows[0]!.label;
      throw malformedCrux(`${file}: ${first} and ${r.label} both hold ${dims.origin} (${dims.formFactor.toLowerCase()}) for ${pk || "the same month"}; perfscope cannot tell them apart`, whereOf(file, r), "Select one row per origin, device and month (e.g. filter country_summary to one country).");
    }
    slot.rows.push(r);
    for (const e of extraColumns(r.row, kind)) g.extra.add(e);
  }
  return [...groups.values()].sort((a, b) => a.origin.localeCompare(b.origin) || FORM_ORDER.indexOf(a.formFactor) - FORM_ORDER.indexOf(b.formFactor));
}

type Points = Map<CruxMetric, { sourceName: string; point: CruxPoint }>;

function rawPoints(slot: Slot, file: string): Points {
  const byMetric = new Map<CruxMetric, { sourceName: string; histograms: CruxBin[][]; p75s: Array<number | undefined> }>();
  for (const r of slot.rows) {
    for (const cell of readRawMetrics(r, file)) {
      let m = byMetric.get(cell.metric);
      if (!m) byMetric.set(cell.metric, (m = { sourceName: cell.sourceName, histograms: [], p75s: [] }));
      m.histograms.push(cell.bins);
      m.p75s.push(cell.p75);
    }
  }
  const out: Points = new Map();
  for (const [metric, m] of byMetric) {
    const bins = mergeBins(m.histograms);
    // A percentile cannot be merged across rows; it is taken as given only for a single row.
    const given = m.p75s.length === 1 ? m.p75s[0] : undefined;
    const p75 = given ?? estimateP75FromBins(bins);
    out.set(metric, { sourceName: m.sourceName, point: { period: slot.period, p75, p75Estimated: given === undefined && p75 !== null, shares: sharesFromBins(metric, bins) } });
  }
  return out;
}

function materializedPoints(slot: Slot, file: string): Points {
  const out: Points = new Map();
  for (const cell of readMaterializedMetrics(slot.rows[0]!, file)) {
    const total = cell.bands ? cell.bands[0] + cell.bands[1] + cell.bands[2] : 0;
    const shares = cell.bands && total > 0 ? { good: cell.bands[0] / total, needsImprovement: cell.bands[1] / total, poor: cell.bands[2] / total } : null;
    out.set(cell.metric, { sourceName: cell.sourceName, point: { period: slot.period, p75: cell.p75 ?? null, p75Estimated: false, shares } });
  }
  return out;
}

function buildRecord(g: Group, kind: RowKind, file: string): CruxRecord {
  const slots = [...g.slots.values()].sort((a, b) => (a.period?.firstDate ?? "").localeCompare(b.period?.firstDate ?? ""));
  const perSlot = slots.map((s) => (kind === "raw" ? rawPoints(s, file) : materializedPoints(s, file)));
  const metrics: CruxMetricData[] = [];
  for (const metric of CRUX_METRICS) {
    const found = perSlot.map((p) => p.get(metric));
    const any = found.find((f) => f !== undefined);
    if (!any) continue;
    const series = found.map((f, i) => f?.point ?? { period: slots[i]!.period, p75: null, p75Estimated: false, shares: null });
    const head = latestPointWithData(series) ?? series[series.length - 1]!;
    const data: CruxMetricData = { metric, sourceName: any.sourceName, retired: RETIRED_CRUX_METRICS.includes(metric), ...head };
    if (series.length > 1) data.series = series;
    metrics.push(data);
  }
  const record: CruxRecord = { key: { origin: g.origin, formFactor: g.formFactor }, period: slots[slots.length - 1]!.period, metrics, extraMetrics: [...g.extra] };
  if (g.connections.size === 1) record.key.effectiveConnectionType = [...g.connections][0]!;
  if (slots.length > 1) record.periods = slots.map((s) => s.period).filter((p): p is CruxPeriod => p !== null);
  return record;
}

/**
 * Imports BigQuery CrUX rows: a parsed JSON value (array of rows, `{ rows }`, REST answer) or
 * the file's text (also NDJSON). Null when the rows are not CrUX rows.
 */
export function importFromCruxBigQuery(input: unknown, options: CruxImportOptions = {}): CruxFieldData | null {
  const file = options.file ?? "crux-bigquery.json";
  const rows = typeof input === "string" ? rowsFromBigQueryText(input, file) : rowsFromBigQueryValue(input, file);
  if (rows === null) return null;
  const kind = classifyRow(rows[0]!.row);
  if (kind === null) return null;
  const groups = groupRows(rows, kind, file);
  const records = groups.map((g) => buildRecord(g, kind, file));
  const notes: string[] = [];
  if (kind === "raw") {
    notes.push("Raw monthly tables carry no percentiles: p75 is interpolated within the histogram bin where 75% is crossed.");
    for (const g of groups) {
      if (g.connections.size > 1) notes.push(`${g.origin} (${g.formFactor.toLowerCase()}): merged connection types ${[...g.connections].join(", ")}.`);
    }
  }
  return { version: CRUX_FIELD_DATA_VERSION, source: "bigquery", file, records, notes };
}
