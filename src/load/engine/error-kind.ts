/**
 * Sorts a failed request into the kinds a load report shows. undici wraps socket errors,
 * so the code is looked for on the error and down its `cause` chain.
 */
import type { LoadErrorKind } from "../model.js";

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
const BAD_RESPONSE_CODES = new Set(["UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "UND_ERR_RES_EXCEEDED_MAX_SIZE", "UND_ERR_INVALID_ARG", "UND_ERR_INFO"]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function classifyRequestError(error: unknown): LoadErrorKind {
  const codes = codesOf(error);
  // Order matters: a parser error on a closing socket is still a bad response.
  if (codes.some((c) => c.startsWith("HPE_") || BAD_RESPONSE_CODES.has(c))) return "bad_response";
  if (codes.includes("ECONNREFUSED")) return "refused";
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return "timeout";
  if (codes.some((c) => RESET_CODES.has(c))) return "reset";
  const name = error instanceof Error ? error.name : "";
  if (name === "HTTPParserError") return "bad_response";
  return "other";
}
