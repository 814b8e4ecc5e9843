/**
 * The collector's fast path: plain beacon POSTs are read straight off the socket, without
 * node:http's per-request objects (about a third of the collector's CPU per beacon went
 * there). It takes only the simplest, most common shape, exactly as browsers send beacons:
 *
 *   POST <beacon path>[?query] HTTP/1.1, one Content-Length within the body cap, a Host,
 *   well-formed header lines, no Transfer-Encoding, Expect or Upgrade.
 *
 * Anything else, at a request boundary, hands the connection to node:http with the bytes
 * read so far, and node:http serves it from then on (healthz, the snippet, preflights,
 * chunked bodies, 413s, malformed requests): the fast path never has to be lenient, so it
 * cannot disagree with node:http about where a request ends.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { sendError, type BeaconHeaders, type Reply } from "./collector-http.js";

export interface FastPathOptions {
  path: string;
  maxBodyBytes: number;
  /** Gives the socket to node:http, `buffered` (unparsed bytes) first. */
  handOver(socket: Socket, buffered: Buffer | undefined): void;
  /** The collector's handling of one complete beacon request. */
  handle(headers: BeaconHeaders, remoteAddress: string | undefined, body: Buffer, reply: Reply): void;
  /** Whether the collector is closing: answers then carry Connection: close. */
  closing(): boolean;
  /** An exception from handle() (answered 500). */
  onError(error: unknown): void;
}

/** As node:http's defaults in the collector: header bytes, keep-alive idle, time to send a whole request. */
export const FAST_PATH_LIMITS = { maxHeaderBytes: 16 * 1024, idleMs: 5_000, requestMs: 10_000, maxPipelinedBytes: 64 * 1024, maxReadsPerRequest: 16 } as const;

const KEPT = new Set(["origin", "content-type", "user-agent", "sec-ch-ua-mobile", "x-forwarded-for"]);
const REFUSED = new Set(["transfer-encoding", "expect", "upgrade", "content-length"]);
const END_OF_HEAD = Buffer.from("\r\n\r\n");
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e]+$/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
// eslint-disable-next-line no-control-regex -- a header value must not hold control characters
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

interface ParsedHead {
  headers: BeaconHeaders;
  contentLength: number;
  close: boolean;
}

/** The request head if it is a plain beacon POST, else undefined (hand the connection over). */
function parseBeaconHead(head: string, path: string, maxBodyBytes: number): ParsedHead | undefined {
  const lineEnd = head.indexOf("\r\n");
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  if (!requestLine.startsWith("POST ") || !requestLine.endsWith(" HTTP/1.1")) return undefined;
  const target = requestLine.slice(5, -9);
  const q = target.indexOf("?");
  if ((q === -1 ? target : target.slice(0, q)) !== path || !TARGET.test(target)) return undefined;
  const headers: BeaconHeaders = {};
  const seen = new Set<string>();
  let contentLength: number | undefined;
  let host = false;
  let close = false;
  let at = lineEnd === -1 ? head.length : lineEnd + 2;
  while (at < head.length) {
    let end = head.indexOf("\r\n", at);
    if (end === -1) end = head.length;
    const line = head.slice(at, end);
    at = end + 2;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) return undefined;
    const raw = line.slice(colon + 1);
    // Checked before trimming, and only spaces and tabs are optional whitespace (not \v, \f, NBSP…).
    if (BAD_VALUE.test(raw)) return undefined;
    const value = raw.replace(OWS_EDGES, "");
    if (name === "content-length") {
      if (contentLength !== undefined || !/^\d{1,9}$/.test(value)) return undefined;
      contentLength = Number(value);
      continue;
    }
    if (REFUSED.has(name)) return undefined;
    if (name === "host") {
      if (host) return undefined;
      host = true;
    } else if (name === "connection") {
      const v = value.toLowerCase();
      if (v === "close") close = true;
      else if (v !== "keep-alive") return undefined;
    } else if (KEPT.has(name)) {
      // A repeated header means something node:http decides (joined, first wins…): leave it to it.
      if (seen.has(name)) return undefined;
      seen.add(name);
      headers[name as keyof BeaconHeaders] = value;
    }
  }
  if (!host || contentLength === undefined || contentLength > maxBodyBytes) return undefined;
  return { headers, contentLength, close };
}

/** Body-less answers (the 204 of almost every beacon) rendered once per headers object. */
const rendered = new WeakMap<OutgoingHttpHeaders, string>();

function renderResponse(status: number, headers: OutgoingHttpHeaders, body: string | undefined, close: boolean): string {
  if (body === undefined && !close && status === 204) {
    let text = rendered.get(headers);
    if (text === undefined) rendered.set(headers, (text = renderHead(status, headers, undefined, false) + "\r\n"));
    return text;
  }
  return renderHead(status, headers, body, close) + "\r\n" + (body ?? "");
}

function renderHead(status: number, headers: OutgoingHttpHeaders, body: string | undefined, close: boolean): string {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === "connection" || name === "content-length") continue;
    text += `${name}: ${String(value)}\r\n`;
  }
  if (close || headers.connection === "close") text += "connection: close\r\n";
  if (status !== 204 && status !== 304) text += `content-length: ${body === undefined ? 0 : Buffer.byteLength(body)}\r\n`;
  return text;
}

/** A fast-path connection, as the collector sees it when it closes. */
export interface FastConnection {
  /** Closes the connection now if no request is on it (otherwise its answer says close). */
  closeIfIdle(): void;
  /** Closes it if it sat idle, or on a part of a request, for too long (see sweepFastConnections). */
  closeIfStale(now: number): void;
  destroy(): void;
}

/**
 * Closes stale fast-path connections once a second. One sweep instead of a timer per socket:
 * re-arming a socket timeout on every read and write cost more than the beacon's headers.
 */
export function sweepFastConnections(connections: Set<FastConnection>): NodeJS.Timeout {
  return setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.closeIfStale(now);
  }, 1000).unref();
}

/** Serves beacon requests on `socket` until one is not plain, then hands the socket to node:http. */
export function serveFastBeacons(socket: Socket, options: FastPathOptions, connections: Set<FastConnection>): void {
  let buffered: Buffer | undefined;
  /** Reads that brought parts of the request not yet complete (a beacon comes in one or two). */
  let reads = 0;
  let busy = false;
  /** The loop is running: an answer given synchronously lets it go on instead of re-entering. */
  let looping = false;
  /** Answered with Connection: close; nothing more is read. */
  let done = false;
  /** The client half-closed (FIN): its last requests may still be in `buffered`. */
  let ended = false;
  let requestStarted = 0;
  let lastAnswered = Date.now();
  const connection: FastConnection = {
    closeIfIdle: () => {
      if (!busy && buffered === undefined) socket.destroy();
    },
    // Idle keep-alive, a client that stopped mid-request, or one that never closes its side
    // after our close; a beacon waiting for its commit is ours to answer.
    closeIfStale: (now) => {
      if (busy) return;
      if (buffered === undefined ? now - lastAnswered > FAST_PATH_LIMITS.idleMs : now - requestStarted > FAST_PATH_LIMITS.requestMs) socket.destroy();
    },
    destroy: () => socket.destroy(),
  };
  connections.add(connection);
  socket.setNoDelay(true);

  const handOver = (): void => {
    socket.removeListener("data", onData);
    socket.removeListener("end", onEnd);
    socket.removeListener("close", onClose);
    connections.delete(connection);
    const rest = buffered;
    buffered = undefined;
    options.handOver(socket, rest);
  };
  const onClose = (): void => {
    connections.delete(connection);
  };
  const onEnd = (): void => {
    ended = true;
    if (!busy && buffered === undefined) socket.end();
  };

  const answer = (close: boolean, status: number, headers: OutgoingHttpHeaders, text: string | undefined): void => {
    busy = false;
    lastAnswered = Date.now();
    if (socket.destroyed) return;
    socket.write(renderResponse(status, headers, text, close));
    if (close) {
      done = true;
      buffered = undefined;
      // Our side is done; the sweep destroys the socket if the client never closes its side.
      socket.end();
      return;
    }
    if (socket.isPaused()) socket.resume();
    next();
  };

  const dispatch = (headers: BeaconHeaders, body: Buffer, close: boolean): void => {
    busy = true;
    let sent = false;
    const reply: Reply = {
      send(status, responseHeaders, text) {
        if (sent) return;
        sent = true;
        answer(close || options.closing() || responseHeaders.connection === "close", status, responseHeaders, text);
      },
    };
    try {
      options.handle(headers, socket.remoteAddress, body, reply);
    } catch (error) {
      options.onError(error);
      sendError(reply, 500, "internal error");
    }
  };

  function next(): void {
    if (looping) return;
    looping = true;
    try {
      while (!busy && !done && buffered !== undefined && !socket.destroyed) {
        const headEnd = buffered.indexOf(END_OF_HEAD);
        if (headEnd === -1) {
          // Bare-LF line ends, a head past node:http's limit, or a request trickling in: node:http's incremental parser takes it.
          const lf = buffered.indexOf(10);
          if ((lf !== -1 && buffered[lf - 1] !== 13) || buffered.length > FAST_PATH_LIMITS.maxHeaderBytes || reads > FAST_PATH_LIMITS.maxReadsPerRequest) return handOver();
          return;
        }
        if (headEnd > FAST_PATH_LIMITS.maxHeaderBytes) return handOver();
        const parsed = parseBeaconHead(buffered.toString("latin1", 0, headEnd), options.path, options.maxBodyBytes);
        if (parsed === undefined) return handOver();
        const total = headEnd + 4 + parsed.contentLength;
        if (buffered.length < total) {
          if (reads > FAST_PATH_LIMITS.maxReadsPerRequest) return handOver();
          return;
        }
        // A view into the read buffer: the collector decodes it before handle() returns.
        const body = buffered.subarray(headEnd + 4, total);
        buffered = buffered.length > total ? buffered.subarray(total) : undefined;
        reads = buffered === undefined ? 0 : 1;
        requestStarted = Date.now();
        dispatch(parsed.headers, body, parsed.close);
      }
      if (ended && !busy && buffered === undefined && !done) socket.end();
    } finally {
      looping = false;
    }
  }

  function onData(chunk: Buffer): void {
    if (done) return;
    if (buffered === undefined) {
      requestStarted = Date.now();
      reads = 0;
    }
    reads++;
    buffered = buffered === undefined ? chunk : Buffer.concat([buffered, chunk]);
    // A client pipelining faster than its beacons are answered waits in its socket, not in memory.
    if (busy && buffered.length > FAST_PATH_LIMITS.maxPipelinedBytes) socket.pause();
    next();
  }

  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.on("close", onClose);
  socket.on("error", () => undefined);
}
