import { readFile } from "node:fs/promises";
import { PerfError } from "../../../core/errors.js";
import { locateJsonError } from "../../../profile/import/json-locate.js";
import { decodeProfileText } from "../../../profile/import/text-decode.js";
import { importFromCruxApi } from "./import-api.js";
import { importFromCruxBigQuery } from "./import-bigquery.js";
import { importFromCruxHistoryApi } from "./import-history-api.js";
import type { CruxFieldData } from "./model.js";

/** The CrUX formats importCruxFile knows, as its error messages name them. */
export const KNOWN_CRUX_FORMATS = [
  "CrUX API answer (records:queryRecord JSON)",
  "CrUX History API answer (records:queryHistoryRecord JSON)",
  "BigQuery chrome-ux-report rows (raw monthly tables or materialized summaries) as a JSON array, { rows: [...] }, a REST query answer, or NDJSON",
] as const;

function unknownFormat(file: string, why: string): PerfError {
  return new PerfError("UNKNOWN_FORMAT", `${file}: ${why}. Known CrUX formats: ${KNOWN_CRUX_FORMATS.join("; ")}.`, {
    where: { file },
    hint: "Save the CrUX API answer as returned, or export the BigQuery query result with `bq query --format=json`.",
  });
}

function firstNonSpace(text: string): string | undefined {
  const m = /\S/.exec(text.slice(0, 4096));
  return m?.[0];
}

/**
 * Imports CrUX field data from a file's bytes or text, trying each format. Throws
 * UNKNOWN_FORMAT (listing the formats) when none claims it, MALFORMED_INPUT when the text is
 * broken JSON (with line and byte) or a format claims it but its content is broken.
 */
export function detectAndImportCrux(data: Buffer | string, file: string): CruxFieldData {
  const text = decodeProfileText(data);
  const first = firstNonSpace(text);
  if (first === undefined) throw unknownFormat(file, "the file is empty");
  if (first !== "{" && first !== "[") throw unknownFormat(file, "the file is not JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // NDJSON (BigQuery exports) is not one JSON document; the BigQuery importer reads it line by line.
    const rows = importFromCruxBigQuery(text, { file });
    if (rows) return rows;
    const loc = locateJsonError(text);
    const at = loc ? ` at line ${loc.line}, byte ${loc.byte}: expected ${loc.expected}, found ${loc.found}` : "";
    throw new PerfError("MALFORMED_INPUT", `${file} is not valid JSON${at}`, {
      where: { file, ...(loc ? { line: loc.line, byte: loc.byte } : {}) },
      hint: loc?.found === "end of file" ? "The file ends early: it was probably truncated while being saved; fetch or export it again." : "Fix or re-export the file.",
      cause,
    });
  }
  const result = importFromCruxApi(value, { file }) ?? importFromCruxHistoryApi(value, { file }) ?? importFromCruxBigQuery(value, { file });
  if (result) return result;
  throw unknownFormat(file, "this JSON is not CrUX field data");
}

/** Reads a CrUX export (API answer, History API answer or BigQuery rows) from disk. */
export async function importCruxFile(path: string): Promise<CruxFieldData> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PerfError("TARGET_NOT_FOUND", `CrUX file not found: ${path}`, { where: { file: path }, hint: "Check the path (relative paths resolve from the current directory).", cause });
    }
    throw new PerfError("PERMISSION_DENIED", `Cannot read ${path}: ${(cause as Error).message}`, { where: { file: path }, cause });
  }
  return detectAndImportCrux(data, path);
}
