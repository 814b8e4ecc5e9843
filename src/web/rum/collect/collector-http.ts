/**
 * Small HTTP pieces of the collector: CORS decisions, the client address, content types
 * and the few response shapes it sends. Header objects that never change are built once.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Why a request was turned away; the counters in stats() use these names. */
export type RejectReason = "invalid" | "too-large" | "rate-limited" | "origin" | "method" | "media-type" | "not-found" | "aborted";

export interface CorsPolicy {
  /** Unset: any origin, no CORS headers. */
  allowed: ReadonlySet<string> | undefined;
  anyOrigin: boolean;
}

/** The request headers the beacon checks look at (lower-case names), from either path. */
export interface BeaconHeaders {
  origin?: string;
  "content-type"?: string;
  "user-agent"?: string;
  "sec-ch-ua-mobile"?: string;
  "x-forwarded-for"?: string | string[];
}

/** One response, sent whole, from either path (node:http or the fast path). */
export interface Reply {
  /** Sends status, headers and an optional body, at most once; a no-op once the client is gone. */
  send(status: number, headers: OutgoingHttpHeaders, body?: string): void;
}

/** A Reply over a node:http response. */
export function replyTo(res: ServerResponse): Reply {
  return {
    send(status, headers, body) {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) });
      res.end(body);
    },
  };
}

/**
 * The Access-Control-Allow-Origin value for this request: undefined when no CORS header
 * is due (no policy, or no Origin: not a browser), false when the origin is refused.
 */
export function decideCorsOrigin(origin: string | undefined, policy: CorsPolicy): string | undefined | false {
  if (policy.allowed === undefined) return undefined;
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
export function clientAddress(forwarded: string | string[] | undefined, remoteAddress: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const value = Array.isArray(forwarded) ? forwarded[forwarded.length - 1] : forwarded;
    const last = value?.slice(value.lastIndexOf(",") + 1).trim();
    // Bounded: a header must not become an unbounded map key.
    if (last !== undefined && last.length > 0) return last.slice(0, 64);
  }
  return remoteAddress ?? "unknown";
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
export function sendJson(reply: Reply, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  reply.send(status, { ...headers, "content-type": JSON_TYPE, "cache-control": "no-store" }, JSON.stringify(body));
}

/** Answers an error with `{ "error": message }`. */
export function sendError(reply: Reply, status: number, message: string, headers?: OutgoingHttpHeaders): void {
  sendJson(reply, status, { error: message }, headers);
}
