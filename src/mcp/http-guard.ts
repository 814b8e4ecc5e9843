import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { networkInterfaces, hostname } from "node:os";
import { PerfError } from "../core/errors.js";

/** The shortest token accepted from --token or PERFSCOPE_MCP_TOKEN: guessable tokens defeat the point. */
export const MIN_MCP_TOKEN_LENGTH = 16;

export type McpTokenSource = "flag" | "env" | "generated";

/** A fresh bearer token: 32 random bytes, URL-safe so it survives shells and config files. */
export function generateMcpToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The token to require: --token, else PERFSCOPE_MCP_TOKEN, else a generated one. */
export function resolveMcpToken(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { token: string; source: McpTokenSource } {
  const given = explicit !== undefined ? { token: explicit, source: "flag" as const } : env.PERFSCOPE_MCP_TOKEN ? { token: env.PERFSCOPE_MCP_TOKEN, source: "env" as const } : null;
  if (!given) return { token: generateMcpToken(), source: "generated" };
  const where = given.source === "flag" ? "--token" : "PERFSCOPE_MCP_TOKEN";
  if (given.token.length < MIN_MCP_TOKEN_LENGTH || /\s/.test(given.token)) {
    throw new PerfError("USAGE", `${where} must be at least ${MIN_MCP_TOKEN_LENGTH} characters without spaces (got ${given.token.length})`, {
      hint: `Leave it unset and perfscope generates a random token, or use e.g. $(openssl rand -hex 32).`,
    });
  }
  return given;
}

/**
 * Whether `Authorization` carries exactly this bearer token. Both sides are hashed first so the
 * comparison is constant-time and its duration does not reveal the token's length either.
 */
export function isBearerTokenValid(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "");
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const presented = digest(match?.[1] ?? "");
  return timingSafeEqual(presented, digest(token)) && match !== null;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: names that cannot leave this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

function isWildcardHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

function formatHostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`.toLowerCase();
}

/**
 * The Host header values a request may carry. A browser tricked by DNS rebinding sends the
 * attacker's name here, so only names of this server pass: the loopback names, and for an
 * explicitly remote server the bound address (or, bound to all interfaces, this machine's
 * addresses and host name).
 */
export function buildAllowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(["127.0.0.1", "localhost", "::1"]);
  if (isWildcardHost(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.replace(/%.*$/, ""));
    names.add(hostname());
  } else names.add(bindHost.replace(/^\[(.*)\]$/, "$1"));
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(formatHostPort(name, port));
    // Clients omit the default port.
    if (port === 80) allowed.add(isIP(name) === 6 ? `[${name}]` : name.toLowerCase());
  }
  return allowed;
}

/** A present Origin must be a page served from this machine, or one the operator allowed. */
export function isOriginAllowed(origin: string, extraOrigins: readonly string[]): boolean {
  if (extraOrigins.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
  } catch {
    // "null" (sandboxed frames, file://) and anything unparsable are refused.
    return false;
  }
}

export interface McpRequestPolicy {
  allowedHosts: Set<string>;
  allowedOrigins: readonly string[];
  token: string;
}

export interface McpRequestRefusal {
  status: 401 | 403;
  message: string;
  headers: Record<string, string>;
}

/** Checks one request before anything else sees it: Host and Origin (403), then the bearer token (401). */
export function checkMcpRequest(headers: IncomingHttpHeaders, policy: McpRequestPolicy): McpRequestRefusal | null {
  const host = headers.host?.toLowerCase();
  if (!host || !policy.allowedHosts.has(host)) {
    return { status: 403, message: `Forbidden: Host header ${JSON.stringify(headers.host ?? "")} is not this server (DNS rebinding protection)`, headers: {} };
  }
  const origin = headers.origin;
  if (origin !== undefined && !isOriginAllowed(origin, policy.allowedOrigins)) {
    return { status: 403, message: `Forbidden: Origin ${JSON.stringify(origin)} is not allowed; start perfscope mcp with --allow-origin ${origin} to allow it`, headers: {} };
  }
  if (!isBearerTokenValid(headers.authorization, policy.token)) {
    const error = headers.authorization === undefined ? "" : ', error="invalid_token"';
    return {
      status: 401,
      message: "Unauthorized: send the token printed by perfscope mcp --http as 'Authorization: Bearer <token>'",
      headers: { "WWW-Authenticate": `Bearer realm="perfscope"${error}` },
    };
  }
  return null;
}
