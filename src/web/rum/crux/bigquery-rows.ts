import { z } from "zod";
import { locateJsonError } from "../../../profile/import/json-locate.js";
import { isObject, malformedCrux, type Json } from "./validate.js";

/**
 * The ways BigQuery rows reach a file: `bq query --format=json|prettyjson` (a JSON array of
 * row objects), newline-delimited JSON (`EXPORT DATA ... format='JSON'`, `bq extract`), a
 * `{ rows: [...] }` wrapper, and the REST `jobs.query` / `getQueryResults` answer whose rows
 * are `{ f: [{ v }] }` cells decoded against `schema.fields`.
 */
export interface LocatedRow {
  row: Json;
  /** "line 3" for NDJSON, "rows[2]" otherwise: how errors name the row. */
  label: string;
  line?: number;
}

/** The error location of a row: the file, and the line for NDJSON. */
export function whereOf(file: string, r: LocatedRow): { file: string; line?: number } {
  return r.line === undefined ? { file } : { file, line: r.line };
}

interface BqField {
  name: string;
  type: string;
  mode?: string | undefined;
  fields?: BqField[] | undefined;
}
const fieldSchema: z.ZodType<BqField> = z.lazy(() =>
  z.object({ name: z.string(), type: z.string(), mode: z.string().optional(), fields: z.array(fieldSchema).optional() }),
);

function decodeCell(field: BqField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (field.mode === "REPEATED") {
    const items = Array.isArray(v) ? v : [];
    return items.map((item) => decodeScalar(field, isObject(item) && "v" in item ? item.v : item));
  }
  return decodeScalar(field, v);
}

function decodeScalar(field: BqField, v: unknown): unknown {
  const isRecord = field.type === "RECORD" || field.type === "STRUCT";
  if (isRecord && isObject(v) && Array.isArray(v.f)) return decodeRestRow(field.fields ?? [], v.f);
  return v;
}

function decodeRestRow(fields: readonly BqField[], cells: readonly unknown[]): Json {
  const out: Json = {};
  fields.forEach((field, i) => {
    const cell = cells[i];
    out[field.name] = decodeCell(field, isObject(cell) ? cell.v : null);
  });
  return out;
}

/** Rows from a parsed value (a lone object counts as one row), or null when it holds no rows. */
export function rowsFromBigQueryValue(value: unknown, file: string): LocatedRow[] | null {
  let rows: unknown[];
  if (Array.isArray(value)) rows = value;
  else if (isObject(value) && Array.isArray(value.rows)) rows = value.rows;
  // A one-row NDJSON export is a single object.
  else if (isObject(value)) return [{ row: value, label: "line 1", line: 1 }];
  else return null;
  if (rows.length === 0 || !rows.every(isObject)) return null;
  const objects = rows as Json[];
  if (isObject(value) && Array.isArray(objects[0]!.f)) {
    const schema = z.object({ fields: z.array(fieldSchema) }).safeParse(value.schema);
    if (!schema.success) {
      throw malformedCrux(`${file}: BigQuery REST rows ({ f: [{ v }] }) need the answer's schema.fields to name their columns, and it is missing or broken`, { file }, "Save the whole jobs.query / getQueryResults answer, schema included, or export with `bq query --format=json`.");
    }
    return objects.map((r, i) => ({ row: decodeRestRow(schema.data.fields, Array.isArray(r.f) ? r.f : []), label: `rows[${i}]` }));
  }
  return objects.map((row, i) => ({ row, label: `rows[${i}]` }));
}

/**
 * Rows from text: one JSON document, or NDJSON when the whole is not JSON but its first line
 * is an object. Null when neither (the caller reports the JSON syntax error).
 */
export function rowsFromBigQueryText(text: string, file: string): LocatedRow[] | null {
  try {
    return rowsFromBigQueryValue(JSON.parse(text), file);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const rows: LocatedRow[] = [];
  let offset = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineStart = offset;
    offset += Buffer.byteLength(raw, "utf8") + 1;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (rows.length === 0) return null;
      const loc = locateJsonError(raw);
      const byte = lineStart + (loc?.byte ?? 0);
      const detail = loc ? `expected ${loc.expected}, found ${loc.found}` : "not valid JSON";
      throw malformedCrux(`${file}: NDJSON line ${i + 1} (byte ${byte}) is broken: ${detail}`, { file, line: i + 1, byte }, loc?.found === "end of file" && i >= lines.length - 2 ? "The file ends mid-row: it was probably truncated; export it again." : "Each line must be one JSON object (one BigQuery row).");
    }
    if (!isObject(value)) {
      if (rows.length === 0) return null;
      throw malformedCrux(`${file}: NDJSON line ${i + 1} is not a JSON object (one BigQuery row per line expected)`, { file, line: i + 1, byte: lineStart }, "Export rows as newline-delimited JSON objects.");
    }
    rows.push({ row: value, label: `line ${i + 1}`, line: i + 1 });
  }
  return rows.length > 0 ? rows : null;
}
