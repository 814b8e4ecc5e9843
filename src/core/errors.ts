/**
 * One error type for the whole library. The code tells callers (CLI, MCP, scripts) what
 * kind of failure it was; `where` pins it down (file and byte/line, PID, URL); `hint`
 * says what to do next.
 */
export type PerfErrorCode =
  | "USAGE"
  | "MALFORMED_INPUT"
  | "UNKNOWN_FORMAT"
  | "TARGET_NOT_FOUND"
  | "TARGET_EXITED"
  | "TOOL_MISSING"
  | "PERMISSION_DENIED"
  | "ATTACH_FAILED"
  | "TIMEOUT"
  | "INTERRUPTED"
  | "INTERNAL";

export interface ErrorLocation {
  file?: string;
  line?: number;
  byte?: number;
  pid?: number;
  url?: string;
}

export interface PerfErrorOptions {
  where?: ErrorLocation;
  hint?: string;
  cause?: unknown;
  /** Files written before the failure (partial results kept on disk). */
  partialFiles?: string[];
}

export class PerfError extends Error {
  readonly code: PerfErrorCode;
  readonly where: ErrorLocation | undefined;
  readonly hint: string | undefined;
  readonly partialFiles: string[];

  constructor(code: PerfErrorCode, message: string, options: PerfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PerfError";
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.partialFiles = options.partialFiles ?? [];
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint, partialFiles: this.partialFiles };
  }
}

export function isPerfError(value: unknown): value is PerfError {
  return value instanceof PerfError;
}

/** Exit codes shared by every CLI command: 0 ok · 1 threshold failed · 2 usage · 3 runtime. */
export const ExitCode = { ok: 0, thresholdFailed: 1, usage: 2, runtime: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForError(error: unknown): ExitCode {
  // node:util parseArgs reports unknown or malformed options with these codes.
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (typeof nodeCode === "string" && nodeCode.startsWith("ERR_PARSE_ARGS")) return ExitCode.usage;
  if (isPerfError(error)) {
    if (error.code === "USAGE" || error.code === "UNKNOWN_FORMAT") return ExitCode.usage;
    return ExitCode.runtime;
  }
  return ExitCode.runtime;
}

/** "file:line", "file@byte 123", "pid 42", ... — a short human locator. */
export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return "";
  const parts: string[] = [];
  if (where.file !== undefined) {
    let f = where.file;
    if (where.line !== undefined) f += `:${where.line}`;
    if (where.byte !== undefined) f += ` (byte ${where.byte})`;
    parts.push(f);
  }
  if (where.pid !== undefined) parts.push(`pid ${where.pid}`);
  if (where.url !== undefined) parts.push(where.url);
  return parts.join(", ");
}

export function describeError(error: unknown): string {
  if (isPerfError(error)) {
    const loc = formatLocation(error.where);
    let text = `${error.code}: ${error.message}${loc ? ` [${loc}]` : ""}`;
    if (error.hint) text += `\n  hint: ${error.hint}`;
    if (error.partialFiles.length > 0) text += `\n  partial results kept: ${error.partialFiles.join(", ")}`;
    return text;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
