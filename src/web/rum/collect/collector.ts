/**
 * The RUM collector: a public HTTP endpoint that takes beacons from browsers, checks them,
 * and stores one event per metric. Hostile input gets a 4xx and never reaches the store;
 * overload gets 429 (per IP) or 503 (queue full) instead of growing memory.
 *
 * Durability: a beacon is answered 204 only after the batch holding its events committed
 * (`insertEvents` resolved). With the SQLite store in WAL mode, durability "normal"
 * (synchronous=NORMAL) keeps every acknowledged beacon through a crash of the collector
 * (SIGKILL, OOM kill): the commit is in the WAL file in the OS page cache. Only a crash of
 * the machine itself (power loss, kernel panic) can lose the last commits; durability
 * "full" (an fsync per commit) closes that gap at the cost of throughput.
 *
 * Threads: given a store path or URL, this thread only serves HTTP and the beacons are
 * parsed, checked and written in an intake worker thread (threaded-intake.ts); given a store
 * object, the same intake (beacon-intake.ts) runs here.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PerfError } from "../../../core/errors.js";
import { createBeaconIntake, decodeBeaconBody, type BeaconIntake, type IntakeOutcome } from "./beacon-intake.js";
import { clientAddress, decideCorsOrigin, isAcceptedContentType, NO_CONTENT_HEADERS, replyTo, sendError, sendJson, withCors, type BeaconHeaders, type RejectReason, type Reply } from "./collector-http.js";
import type { DeviceHeaders } from "./classify-device.js";
import { serveFastBeacons, sweepFastConnections, type FastConnection, type FastPathOptions } from "./fast-beacon-path.js";
import { resolveCollectorOptions, type ResolvedCollectorOptions, type RumCollectorOptions } from "./collector-options.js";
import { createIpRateLimiter } from "./rate-limiter.js";
import { discardBody, readBody, type BodyOutcome } from "./read-body.js";
import { loadSnippetAsset, serveSnippetAsset, SNIPPET_PATH, type SnippetAsset } from "./snippet-asset.js";
import { startThreadedIntake, type ThreadedIntake } from "./threaded-intake.js";

export type { RumCollectorOptions } from "./collector-options.js";

export interface RumCollectorStats {
  /** Beacons answered 204 (their events committed). */
  accepted: number;
  /** Requests turned away with a 4xx, by reason. */
  rejected: Record<RejectReason, number>;
  /** Beacons answered 503 because the write queue was full. */
  shed: number;
  /** Beacons answered 503 because the write holding them failed. */
  writeFailed: number;
  eventsWritten: number;
  batches: number;
  failedBatches: number;
  /** Events waiting for, or in, a write now. */
  queuedEvents: number;
  /** IPs with a rate-limit bucket now. */
  trackedIps: number;
}

export interface RumCollector {
  /** Base URL, e.g. "http://127.0.0.1:43210" (beacons go to url + path). */
  url: string;
  port: number;
  stats(): RumCollectorStats;
  /** Stops accepting, writes what is queued, resolves once written. Does not close the store. */
  close(): Promise<void>;
}

/** How long close() lets open requests finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;
const BEACON_METHODS = { allow: "POST, OPTIONS" } as const;
const GET_ONLY = { allow: "GET" } as const;
const PREFLIGHT_HEADERS: OutgoingHttpHeaders = {
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Content-Type",
  "access-control-max-age": "86400",
};

function newRejectCounters(): Record<RejectReason, number> {
  return { invalid: 0, "too-large": 0, "rate-limited": 0, origin: 0, method: 0, "media-type": 0, "not-found": 0, aborted: 0 };
}

/** Starts the collector and resolves once it listens. Throws PerfError("USAGE") on bad options or a busy port. */
export async function startRumCollector(options: RumCollectorOptions): Promise<RumCollector> {
  const o = resolveCollectorOptions(options);
  const snippet: SnippetAsset | undefined = o.serveSnippet === undefined ? undefined : await loadSnippetAsset(o.serveSnippet);
  const limiter = o.rateLimit === false ? undefined : createIpRateLimiter(o.rateLimit);
  const intake = await startIntake(o);
  const cors = { allowed: o.allowedOrigins, anyOrigin: o.anyOrigin };
  const rejected = newRejectCounters();
  const counts = { accepted: 0, shed: 0, writeFailed: 0 };
  let closing = false;

  // One headers object per allowed origin (a bounded set), so the fast path renders each 204 once.
  const noContent = new Map<string | undefined, OutgoingHttpHeaders>();
  function noContentHeaders(allowOrigin: string | undefined): OutgoingHttpHeaders {
    let headers = noContent.get(allowOrigin);
    if (headers === undefined) noContent.set(allowOrigin, (headers = withCors(NO_CONTENT_HEADERS, allowOrigin)));
    return headers;
  }

  function reject(reply: Reply, status: number, reason: RejectReason, message: string, headers?: OutgoingHttpHeaders): void {
    rejected[reason]++;
    sendError(reply, status, message, closing ? { ...headers, connection: "close" } : headers);
  }

  /**
   * The checks before a beacon's body is looked at, the same on both paths. Returns the
   * Access-Control-Allow-Origin to answer with, or null when the beacon was answered already.
   */
  function admitBeacon(headers: BeaconHeaders, remoteAddress: string | undefined, reply: Reply): string | undefined | null {
    const allowOrigin = decideCorsOrigin(headers.origin, cors);
    if (allowOrigin === false) {
      reject(reply, 403, "origin", "origin not allowed");
      return null;
    }
    if (limiter !== undefined) {
      const wait = limiter.take(clientAddress(headers["x-forwarded-for"], remoteAddress, o.trustProxy), Date.now());
      if (wait > 0) {
        reject(reply, 429, "rate-limited", "too many beacons from this address", withCors({ "retry-after": String(wait) }, allowOrigin));
        return null;
      }
    }
    if (!isAcceptedContentType(headers["content-type"])) {
      reject(reply, 415, "media-type", "content-type: expected text/plain or application/json", withCors({}, allowOrigin));
      return null;
    }
    // Shed before reading: a full queue means the body would only be thrown away.
    if (!intake.hasRoom()) {
      counts.shed++;
      sendError(reply, 503, "collector busy: retry later", withCors({ "retry-after": "1" }, allowOrigin));
      return null;
    }
    return allowOrigin;
  }

  function takeBody(body: Buffer, headers: BeaconHeaders, reply: Reply, allowOrigin: string | undefined): void {
    const text = decodeBeaconBody(body);
    if (typeof text !== "string") return answer(reply, allowOrigin, text);
    intake.submit(text, headers as DeviceHeaders, (result) => answer(reply, allowOrigin, result));
  }

  function answer(reply: Reply, allowOrigin: string | undefined, result: IntakeOutcome): void {
    switch (result.kind) {
      case "stored":
        counts.accepted++;
        return reply.send(204, closing ? withCors({ ...NO_CONTENT_HEADERS, connection: "close" }, allowOrigin) : noContentHeaders(allowOrigin));
      case "invalid":
        return reject(reply, 400, "invalid", result.error, withCors({}, allowOrigin));
      case "busy":
        counts.shed++;
        return sendError(reply, 503, "collector busy: retry later", withCors({ "retry-after": "1" }, allowOrigin));
      case "write-failed":
        counts.writeFailed++;
        return sendError(reply, 503, "store write failed: retry later", withCors({ "retry-after": "1" }, allowOrigin));
    }
  }

  /** A beacon through node:http (anything the fast path handed over). */
  function handleBeacon(req: IncomingMessage, res: ServerResponse): void {
    const reply = replyTo(res);
    const headers = req.headers as BeaconHeaders;
    const allowOrigin = admitBeacon(headers, req.socket.remoteAddress, reply);
    if (allowOrigin === null) return discardBody(req);
    readBody(req, o.maxBodyBytes, (outcome: BodyOutcome) => {
      if (outcome.kind === "aborted") {
        rejected.aborted++;
        return;
      }
      if (outcome.kind === "too-large") return reject(reply, 413, "too-large", `body: larger than ${o.maxBodyBytes} bytes`, withCors({ connection: "close" }, allowOrigin));
      takeBody(outcome.body, headers, reply, allowOrigin);
    });
  }

  /** A plain beacon POST read straight off the socket (fast-beacon-path.ts). */
  function handleFastBeacon(headers: BeaconHeaders, remoteAddress: string | undefined, body: Buffer, reply: Reply): void {
    const allowOrigin = admitBeacon(headers, remoteAddress, reply);
    if (allowOrigin !== null) takeBody(body, headers, reply, allowOrigin);
  }

  function handlePreflight(req: IncomingMessage, res: ServerResponse): void {
    const allowOrigin = decideCorsOrigin(req.headers.origin, cors);
    if (allowOrigin === false) return reject(replyTo(res), 403, "origin", "origin not allowed");
    res.writeHead(204, allowOrigin === undefined ? NO_CONTENT_HEADERS : withCors(PREFLIGHT_HEADERS, allowOrigin));
    res.end();
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = q === -1 ? target : target.slice(0, q);
    const method = req.method;
    if (path === o.path) {
      if (method === "POST") return handleBeacon(req, res);
      if (method === "OPTIONS") return handlePreflight(req, res);
      return reject(replyTo(res), 405, "method", `method ${String(method).slice(0, 16)} not allowed`, BEACON_METHODS);
    }
    const known = path === "/healthz" || (path === SNIPPET_PATH && snippet !== undefined);
    if (method !== "GET") {
      if (known || (method !== "POST" && method !== "OPTIONS")) {
        return reject(replyTo(res), 405, "method", `method ${String(method).slice(0, 16)} not allowed`, known ? GET_ONLY : BEACON_METHODS);
      }
      return reject(replyTo(res), 404, "not-found", "not found");
    }
    if (path === "/healthz") {
      // 503 while closing or while the intake thread restarts: a load balancer then sends the beacons elsewhere.
      const state = closing ? "closing" : intake.isUp() ? "up" : "restarting";
      return sendJson(replyTo(res), state === "up" ? 200 : 503, { ok: state === "up", intake: state, ...stats() });
    }
    if (snippet !== undefined && path === SNIPPET_PATH) return serveSnippetAsset(req, res, snippet);
    reject(replyTo(res), 404, "not-found", "not found");
  }

  function stats(): RumCollectorStats {
    const w = intake.stats();
    return {
      ...counts,
      rejected: { ...rejected },
      eventsWritten: w.eventsWritten,
      batches: w.batches,
      failedBatches: w.failedBatches,
      queuedEvents: w.queuedEvents,
      trackedIps: limiter?.size() ?? 0,
    };
  }

  const server = createServer((req, res) => {
    try {
      handleRequest(req, res);
    } catch (error) {
      o.onError(error);
      sendError(replyTo(res), 500, "internal error");
    }
  });
  const fastConnections: Set<FastConnection> = serveBeaconsFast(server, {
    path: o.path,
    maxBodyBytes: o.maxBodyBytes,
    handle: handleFastBeacon,
    closing: () => closing,
    onError: o.onError,
  });
  const sweep = sweepFastConnections(fastConnections);
  server.maxConnections = o.maxConnections;
  // Slow clients may hold a connection only so long (slowloris).
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  let port: number;
  try {
    port = await listen(server, o.host, o.port);
  } catch (error) {
    clearInterval(sweep);
    await closeIntake(intake);
    throw error;
  }
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const c of fastConnections) c.closeIfIdle();
    // Requests still open wait for their batch: write it now rather than after the linger.
    const flushed = intake.drain();
    const grace = setTimeout(() => {
      server.closeAllConnections();
      for (const c of fastConnections) c.destroy();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    clearInterval(sweep);
    await flushed;
    await intake.drain();
    await closeIntake(intake);
  }

  return { url: `http://${host}:${port}`, port, stats, close };
}

/**
 * Puts the fast path in front of node:http: every new connection starts on it, and is handed
 * to node:http's own connection handler (timeouts, tracking and all) at the first request that
 * is not a plain beacon POST. Returns the connections the fast path still holds.
 */
function serveBeaconsFast(server: Server, options: Omit<FastPathOptions, "handOver">): Set<FastConnection> {
  const connections = new Set<FastConnection>();
  const listeners = server.listeners("connection");
  const nodeConnection = listeners[0];
  // Not the one handler this was written against: serve everything through node:http.
  if (listeners.length !== 1 || typeof nodeConnection !== "function") return connections;
  server.removeListener("connection", nodeConnection as (socket: Socket) => void);
  const handOver = (socket: Socket, buffered: Buffer | undefined): void => {
    (nodeConnection as (socket: Socket) => void).call(server, socket);
    // node:http's data handler parses these before any newer bytes arrive from the socket (and
    // this works after the client half-closed, when unshift() would not).
    if (buffered !== undefined) socket.emit("data", buffered);
  };
  server.on("connection", (socket: Socket) => serveFastBeacons(socket, { ...options, handOver }, connections));
  return connections;
}

/** A store path or URL: the collector opens it in its intake thread. A store object: the intake runs in this thread. */
async function startIntake(o: ResolvedCollectorOptions): Promise<BeaconIntake | ThreadedIntake> {
  const batching = { routeRules: o.routeRules, maxBatchEvents: o.maxBatchEvents, maxBatchDelayMs: o.maxBatchDelayMs, maxQueuedEvents: o.maxQueuedEvents };
  if (typeof o.store !== "string") return createBeaconIntake({ store: o.store, ...batching, onError: o.onError });
  return startThreadedIntake({ store: o.store, durability: o.durability, ...batching }, o.onError);
}

async function closeIntake(intake: BeaconIntake | ThreadedIntake): Promise<void> {
  if ("close" in intake) await intake.close();
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const code = error.code === "EACCES" ? "PERMISSION_DENIED" : "USAGE";
      reject(new PerfError(code, `RUM collector: cannot listen on ${host}:${port}: ${error.message}`, {
        where: { url: `http://${host}:${port}` },
        hint: error.code === "EADDRINUSE" ? "Another process holds the port: pick another with --port, or 0 for a free one." : "Check --host and --port.",
        cause: error,
      }));
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
