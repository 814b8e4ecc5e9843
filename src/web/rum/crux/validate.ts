import { z } from "zod";
import { PerfError, type ErrorLocation } from "../../../core/errors.js";

/**
 * zod at the edge: shared schemas for the number encodings CrUX uses (CLS as "0.05", the
 * bq CLI and BigQuery's REST API print every number as a string) and turning zod issues
 * into "record.metrics.x.percentiles.p75 missing".
 */
export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : String(v);
}

function parseNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** A finite number, or a string holding one. */
export const numberLike = z.unknown().transform((v, ctx) => {
  const n = parseNumber(v);
  if (n !== undefined) return n;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: v === undefined ? "missing" : `expected a number, got ${describeValue(v)}` });
  return z.NEVER;
});

/** Like numberLike, but null / "NaN" (the History API's marker for a period without data) give NaN. */
export const numberOrNaN = z.unknown().transform((v, ctx) => {
  if (v === null || v === "NaN") return Number.NaN;
  const n = parseNumber(v);
  if (n !== undefined) return n;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: v === undefined ? "missing" : `expected a number or "NaN", got ${describeValue(v)}` });
  return z.NEVER;
});

/** An optional number: absent or null give undefined. */
export const optionalNumber = z.unknown().transform((v, ctx) => {
  if (v === undefined || v === null) return undefined;
  const n = parseNumber(v);
  if (n !== undefined) return n;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a number, got ${describeValue(v)}` });
  return z.NEVER;
});

export const cruxDateSchema = z.object({ year: numberLike, month: numberLike, day: numberLike });

function joinPath(prefix: string, path: readonly (string | number)[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out;
}

/** "record.metrics.cls.percentiles.p75 missing" / "...: expected a number, got \"abc\"". */
export function describeZodIssue(issue: z.ZodIssue, prefix: string): string {
  const path = joinPath(prefix, issue.path);
  if (issue.code === "invalid_type" && issue.received === "undefined") return `${path} missing`;
  if (issue.code === "invalid_type") return `${path}: expected ${issue.expected}, got ${issue.received}`;
  if (issue.message === "missing") return `${path} missing`;
  return `${path}: ${issue.message}`;
}

export function malformedCrux(message: string, where: ErrorLocation, hint: string): PerfError {
  return new PerfError("MALFORMED_INPUT", message, { where, hint });
}

/** Parses with a schema or throws MALFORMED_INPUT naming the first broken path. */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix: string, what: string, where: ErrorLocation, hint: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  const first = result.error.issues[0]!;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem${result.error.issues.length > 2 ? "s" : ""})` : "";
  throw malformedCrux(`${where.file ?? "input"}: not a valid ${what}: ${describeZodIssue(first, prefix)}${more}`, where, hint);
}
