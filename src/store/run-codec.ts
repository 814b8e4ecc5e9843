/**
 * Bench results ↔ table rows. Summary numbers get their own columns (queried and charted);
 * the full stats and every sample are kept too (JSON, samples gzipped) so a stored run can
 * be compared again with any method later. Reading validates, since the rows may come from
 * another perfscope version or a damaged file.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { BenchError, BenchResult, NonEmptyArray, SampleStats } from "../bench/model.js";
import { PerfError, type ErrorLocation } from "../core/errors.js";
import { readOptionalNumber, readOptionalString, readString, type SqlRow, type SqlValue } from "./sql-driver.js";

/** The canonical text a benchmark's parameters are keyed by: sorted, URL-encoded, '' for none. */
export function formatParamsKey(params: Record<string, string> | undefined): string {
  if (!params) return "";
  return Object.keys(params)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key] ?? "")}`)
    .join("&");
}

/** ISO 8601 → epoch ms; ordering uses the number because offsets make the text unsortable. */
export function parseIsoTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new PerfError("MALFORMED_INPUT", `${field} is ${JSON.stringify(value)}, expected an ISO 8601 time`, { hint: "pass times as new Date().toISOString() or git's %cI" });
  return ms;
}

export const RESULT_COLUMNS = [
  "run_id", "position", "benchmark", "params_key", "params_json", "kind", "source", "state", "error_message", "error_json",
  "batch_size", "n", "processes", "median", "mean", "std_dev", "cv", "p95", "ci_low", "ci_high", "fit_to_compare", "stats_json", "samples_gzip", "extra_json",
] as const;

/** Fields with their own columns; any other field of a result is kept in extra_json. */
const COLUMN_FIELDS = new Set(["name", "kind", "source", "params", "state", "error", "unit", "batchSize", "samplesByProcess", "stats"]);

function encodeExtra(result: BenchResult): string | null {
  const extra = Object.fromEntries(Object.entries(result).filter(([key, value]) => !COLUMN_FIELDS.has(key) && value !== undefined));
  return Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
}

/** The values of one result row, in RESULT_COLUMNS order. */
export function encodeResultRow(runId: number, position: number, result: BenchResult): SqlValue[] {
  const base: SqlValue[] = [runId, position, result.name, formatParamsKey(result.params), result.params ? JSON.stringify(result.params) : null, result.kind, result.source, result.state];
  if (result.state === "errored") {
    return [...base, result.error.message, JSON.stringify(result.error), null, null, null, null, null, null, null, null, null, null, null, null, null, encodeExtra(result)];
  }
  const s = result.stats;
  return [
    ...base, null, null, result.batchSize, s.n, s.processes, s.median, s.mean, s.stdDev, s.cv, s.p95, s.medianCi.low, s.medianCi.high,
    s.fitToCompare ? 1 : 0, JSON.stringify(s), gzipSync(JSON.stringify(result.samplesByProcess)), encodeExtra(result),
  ];
}

export interface DecodeContext {
  where: ErrorLocation;
  runId: number;
}

function damaged(context: DecodeContext, benchmark: string, what: string, cause?: unknown): PerfError {
  return new PerfError("MALFORMED_INPUT", `run ${context.runId}, benchmark "${benchmark}": ${what}`, {
    where: context.where,
    hint: "the stored row is damaged or was written by an incompatible tool; delete that run or restore the store from a backup",
    cause,
  });
}

function parseJson(text: string, context: DecodeContext, benchmark: string, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw damaged(context, benchmark, `column ${column} is not valid JSON`, error);
  }
}

function decodeSamples(blob: unknown, context: DecodeContext, benchmark: string): NonEmptyArray<NonEmptyArray<number>> {
  if (!Buffer.isBuffer(blob) && !(blob instanceof Uint8Array)) throw damaged(context, benchmark, "the samples are missing");
  let text: string;
  try {
    text = gunzipSync(blob).toString("utf8");
  } catch (error) {
    throw damaged(context, benchmark, "the samples are not gzip data", error);
  }
  const value = parseJson(text, context, benchmark, "samples_gzip");
  const valid = Array.isArray(value) && value.length > 0 && value.every((p) => Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === "number"));
  if (!valid) throw damaged(context, benchmark, "the samples are not a non-empty list of non-empty number lists (one per process)");
  return value as NonEmptyArray<NonEmptyArray<number>>;
}

const STAT_NUMBERS = ["n", "processes", "median", "mean", "min", "max", "stdDev", "mad", "cv", "p75", "p95", "p99"] as const;

function decodeStats(text: string, context: DecodeContext, benchmark: string): SampleStats {
  const value = parseJson(text, context, benchmark, "stats_json");
  if (typeof value !== "object" || value === null) throw damaged(context, benchmark, "stats_json is not an object");
  const stats = value as Record<string, unknown>;
  for (const key of STAT_NUMBERS) {
    // JSON has no NaN: JSON.stringify wrote null for it (e.g. cv of a zero mean).
    if (stats[key] === null) stats[key] = Number.NaN;
    if (typeof stats[key] !== "number") throw damaged(context, benchmark, `stats_json.${key} is not a number`);
  }
  if (typeof stats.medianCi !== "object" || typeof stats.outliers !== "object" || !Array.isArray(stats.warnings)) {
    throw damaged(context, benchmark, "stats_json lacks medianCi, outliers or warnings");
  }
  return value as SampleStats;
}

function decodeParams(row: SqlRow, context: DecodeContext, benchmark: string): Record<string, string> | undefined {
  const text = readOptionalString(row, "params_json");
  if (text === undefined) return undefined;
  const value = parseJson(text, context, benchmark, "params_json");
  if (typeof value !== "object" || value === null || Object.values(value).some((v) => typeof v !== "string")) {
    throw damaged(context, benchmark, "params_json is not an object of strings");
  }
  return value as Record<string, string>;
}

function decodeExtra(row: SqlRow, context: DecodeContext, benchmark: string): Record<string, unknown> {
  const text = readOptionalString(row, "extra_json");
  if (text === undefined) return {};
  const value = parseJson(text, context, benchmark, "extra_json");
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw damaged(context, benchmark, "extra_json is not an object");
  // Column fields win: extra_json can add fields, never replace the stored ones.
  return Object.fromEntries(Object.entries(value).filter(([key]) => !COLUMN_FIELDS.has(key)));
}

/** One result row (all RESULT_COLUMNS) back to the BenchResult that was saved. */
export function decodeResultRow(row: SqlRow, context: DecodeContext): BenchResult {
  const name = readString(row, "benchmark");
  const kind = readString(row, "kind");
  if (kind !== "function" && kind !== "command") throw damaged(context, name, `kind is "${kind}"`);
  const params = decodeParams(row, context, name);
  const base = { ...decodeExtra(row, context, name), name, kind, source: readString(row, "source"), ...(params ? { params } : {}) } as const;
  const state = readString(row, "state");
  if (state === "errored") {
    const json = readOptionalString(row, "error_json");
    const error = json === undefined ? { message: readOptionalString(row, "error_message") ?? "" } : (parseJson(json, context, name, "error_json") as BenchError);
    if (typeof error !== "object" || error === null || typeof error.message !== "string") throw damaged(context, name, "error_json has no message");
    return { ...base, state: "errored", error };
  }
  if (state !== "completed") throw damaged(context, name, `state is "${state}"`);
  const statsText = readOptionalString(row, "stats_json");
  if (statsText === undefined) throw damaged(context, name, "a completed result has no stats_json");
  return {
    ...base,
    state: "completed",
    unit: "ns",
    batchSize: readOptionalNumber(row, "batch_size") ?? 1,
    samplesByProcess: decodeSamples(row.samples_gzip, context, name),
    stats: decodeStats(statsText, context, name),
  };
}

