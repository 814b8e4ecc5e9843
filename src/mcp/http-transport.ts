import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { PerfError } from "../core/errors.js";
import { buildAllowedHosts, checkMcpRequest, isLoopbackHost, type McpRequestPolicy } from "./http-guard.js";
import { McpSessionRegistry, type McpHttpSession } from "./http-sessions.js";
import { createMcpServer, createMcpToolContext, type McpServerOptions } from "./server.js";

export const MCP_HTTP_PATH = "/mcp";
export const DEFAULT_MCP_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MCP_MAX_SESSIONS = 32;
export const DEFAULT_MCP_IDLE_MS = 30 * 60_000;

export interface McpHttpOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind (default 127.0.0.1). Anything off loopback needs `allowRemote`. */
  host?: string;
  /** The bearer token every request must carry. */
  token: string;
  allowRemote?: boolean;
  /** Origins allowed besides loopback ones (exact match, e.g. "https://app.example"). */
  allowedOrigins?: string[];
  maxSessions?: number;
  maxBodyBytes?: number;
  idleMs?: number;
}

export interface McpHttpServer {
  /** The endpoint clients connect to, e.g. http://127.0.0.1:43121/mcp. */
  url: string;
  host: string;
  port: number;
  sessionCount(): number;
  /** Closes every session, then the listener. */
  close(): Promise<void>;
}

function sendJsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Most a refused body is read (and dropped) so the client, still sending, gets to see the answer. */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

/** Reads and drops the rest of a refused body, up to a bound; past it the connection is cut. */
function discardBody(req: IncomingMessage): void {
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.resume();
}

/** Reads a JSON body up to `limit` bytes; "too-large" as soon as it is known to exceed it. */
function readJsonBody(req: IncomingMessage, limit: number): Promise<{ value: unknown } | "too-large" | "invalid"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    discardBody(req);
    return Promise.resolve("too-large");
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= limit) return;
      req.off("data", onData).off("end", onEnd);
      chunks.length = 0;
      discardBody(req);
      resolve("too-large");
    };
    const onEnd = () => {
      try {
        resolve({ value: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
      } catch {
        resolve("invalid");
      }
    };
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/** 404 off the endpoint, 405 for methods Streamable HTTP does not use. */
function checkRoute(req: IncomingMessage): { status: number; message: string; headers: Record<string, string> } | null {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path !== MCP_HTTP_PATH) return { status: 404, message: `Not found: the MCP endpoint is ${MCP_HTTP_PATH}`, headers: {} };
  if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") return { status: 405, message: "Method not allowed", headers: { Allow: "GET, POST, DELETE" } };
  return null;
}

/**
 * Serves MCP over Streamable HTTP at /mcp: one server and transport per session. Every request
 * passes the DNS-rebinding check (Host, Origin → 403) and the bearer token (→ 401) before any
 * MCP code sees it; bodies are capped (→ 413).
 */
export async function startMcpHttpServer(options: McpHttpOptions, serverOptions: McpServerOptions = {}): Promise<McpHttpServer> {
  const host = (options.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  if (!isLoopbackHost(host) && !options.allowRemote) {
    throw new PerfError("USAGE", `--host ${host} is not a loopback address; the MCP server would be reachable from the network`, {
      hint: "Keep the default 127.0.0.1, or add --allow-remote if other machines really must reach it (the bearer token is still required; put TLS in front).",
    });
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MCP_MAX_BODY_BYTES;
  const maxSessions = options.maxSessions ?? DEFAULT_MCP_MAX_SESSIONS;
  const context = createMcpToolContext(serverOptions);
  const sessions = new McpSessionRegistry({
    createServer: () => createMcpServer({ ...serverOptions, context }),
    maxSessions,
    idleMs: options.idleMs ?? DEFAULT_MCP_IDLE_MS,
    maxBodyBytes,
  });
  // Filled in once the port is known (port 0 means "any").
  const policy: McpRequestPolicy = { allowedHosts: new Set(), allowedOrigins: options.allowedOrigins ?? [], token: options.token };

  async function serveSession(session: McpHttpSession, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    session.inFlight++;
    session.lastSeen = Date.now();
    res.once("close", () => {
      session.inFlight--;
      session.lastSeen = Date.now();
    });
    await session.transport.handleRequest(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = checkMcpRequest(req.headers, policy);
    const early = refusal ?? checkRoute(req);
    if (early) {
      // Closing a socket with unread input resets it, and the client may never see the answer.
      discardBody(req);
      return sendJsonRpcError(res, early.status, early.message, early.headers);
    }
    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req, maxBodyBytes);
      if (read === "too-large") return sendJsonRpcError(res, 413, `Payload too large: the limit is ${maxBodyBytes} bytes`);
      if (read === "invalid") return sendJsonRpcError(res, 400, "Parse error: the body is not JSON", {}, -32700);
      body = read.value;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = sessions.get(sessionId);
      if (!session) return sendJsonRpcError(res, 404, "Session not found: it was closed or expired; initialize a new one", {}, -32001);
      return serveSession(session, req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendJsonRpcError(res, 400, "Bad Request: send Mcp-Session-Id, or start a session with an initialize request");
    }
    const session = await sessions.open();
    if (!session) return sendJsonRpcError(res, 503, `Too many sessions (limit ${maxSessions}); close one (DELETE ${MCP_HTTP_PATH}) and retry`, { "Retry-After": "5" });
    try {
      await serveSession(session, req, res, body);
    } finally {
      await sessions.discardIfUninitialized(session);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJsonRpcError(res, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`, {}, -32603);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new PerfError("USAGE", `cannot listen on ${host}:${options.port}: ${error.message}`, { hint: error.code === "EADDRINUSE" ? "Pick another port, or --http 0 for a free one." : "Check --host and --http." })),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  policy.allowedHosts = buildAllowedHosts(host, port);
  // Bound to every interface, the URL to print is the one that works from here.
  const connectHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const urlHost = isIP(connectHost) === 6 ? `[${connectHost}]` : connectHost;

  return {
    url: `http://${urlHost}:${port}${MCP_HTTP_PATH}`,
    host,
    port,
    sessionCount: () => sessions.size,
    async close() {
      await sessions.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams and keep-alive sockets would hold close() forever.
        server.closeAllConnections();
      });
    },
  };
}
