/**
 * Small HTTP pieces of the collector: CORS decisions, the client address, content types
 * and the few response shapes it sends. Header objects that never change are built once.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Why a request was turned away; the counters in stats() use these names. */
export type RejectReason = "invalid" | "too-large" | "rate-limited" | "origin" | "method" | "media-type" | "not-found" | "aborted";

export interface CorsPolicy {
  /** Unset: any origin, no CORS headers. */
  allowed: ReadonlySet<string> | undefined;
  anyOrigin: boolean;
}

/**
 * The Access-Control-Allow-Origin value for this request: undefined when no CORS header
 * is due (no policy, or no Origin: not a browser), false when the origin is refused.
 */
export function decideCorsOrigin(req: IncomingMessage, policy: CorsPolicy): string | undefined | false {
  if (policy.allowed === undefined) return undefined;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (policy.anyOrigin) return "*";
  return policy.allowed.has(origin) ? origin : false;
}

/** The headers a response carries for CORS, merged into `base` (a fresh object when needed). */
export function withCors(base: OutgoingHttpHeaders, allowOrigin: string | undefined): OutgoingHttpHeaders {
  if (allowOrigin === undefined) return base;
  return allowOrigin === "*"
    ? { ...base, "access-control-allow-origin": "*" }
    : { ...base, "access-control-allow-origin": allowOrigin, vary: "Origin" };
}

/**
 * The last X-Forwarded-For entry when the proxy is trusted (the address your proxy saw and
 * appended; entries before it are whatever the client sent), else the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const value = Array.isArray(forwarded) ? forwarded[forwarded.length - 1] : forwarded;
    const last = value?.slice(value.lastIndexOf(",") + 1).trim();
    // Bounded: a header must not become an unbounded map key.
    if (last !== undefined && last.length > 0) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** sendBeacon sends text/plain;charset=UTF-8; fetch may send application/json; curl may send nothing. */
export function isAcceptedContentType(header: string | undefined): boolean {
  if (header === undefined) return true;
  const semi = header.indexOf(";");
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  return type === "text/plain" || type === "application/json" || type === "";
}

export const NO_CONTENT_HEADERS: OutgoingHttpHeaders = { "cache-control": "no-store" };
const JSON_TYPE = "application/json; charset=utf-8";

/** Answers with a JSON body (errors and /healthz). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

/** Answers an error with `{ "error": message }`. */
export function sendError(res: ServerResponse, status: number, message: string, headers?: OutgoingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  sendJson(res, status, { error: message }, headers);
}
