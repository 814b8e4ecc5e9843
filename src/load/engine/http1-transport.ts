/**
 * The raw HTTP/1.1 transport for plain http:// targets: `connections` sockets from node:net,
 * each request's bytes encoded once and written per send, responses parsed from Buffers.
 * Free capacity is a stack of connection slots (one entry per request a connection may still
 * take), so a send is a pop and a completion a push. Timeouts come from one sweep timer
 * rather than a timer per request.
 */
import { PerfError } from "../../core/errors.js";
import type { LoadErrorKind } from "../model.js";
import { Http1Connection, type Http1ConnectionHost } from "./http1-connection.js";
import type { LoadTransport, TransportDone, TransportOptions } from "./transport.js";
import type { PlannedRequest } from "./worker-protocol.js";

/** Large enough for many pipelined responses per read; one per thread. */
const READ_BUFFER_BYTES = 64 * 1024;
/** The sweep runs this many times per timeout period (bounded), so a timeout fires at most ~5% late. */
const SWEEPS_PER_TIMEOUT = 20;
const MAX_SWEEP_MS = 250;
/**
 * Idle sockets are closed after this long, before a server's keep-alive timeout (Node's is
 * 5 s) can close one just as a request goes out on it. The same default as undici's.
 */
const IDLE_CLOSE_MS = 4000;

/** Methods whose requests carry a body: undici, and servers, expect a length even when empty. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const UNSAFE = /[\r\n\0]/;

function checkHeaderText(text: string, what: string, origin: string): void {
  if (UNSAFE.test(text)) {
    throw new PerfError("USAGE", `${what} ${JSON.stringify(text)} contains a line break or NUL`, { where: { url: origin }, hint: "remove CR/LF/NUL from header names, values and the method" });
  }
}

/** The exact bytes of a request, built once and written as-is for every send (and sizing bytesOut for undici). */
export function encodeHttp1Request(request: PlannedRequest, host: string, origin: string): Buffer {
  checkHeaderText(request.method, "method", origin);
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  for (const [name, value] of Object.entries(request.headers)) {
    checkHeaderText(name, "header name", origin);
    checkHeaderText(value, `header ${name} value`, origin);
    const lower = name.toLowerCase();
    if (lower === "host") hasHost = true;
    if (lower === "content-length") hasLength = true;
  }
  if (!hasHost) head += `host: ${host}\r\n`;
  head += "connection: keep-alive\r\n";
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  const body = request.body === null ? null : Buffer.from(request.body, "utf8");
  if (!hasLength && (body !== null || BODY_METHODS.has(request.method))) head += `content-length: ${body?.length ?? 0}\r\n`;
  head += "\r\n";
  return body === null ? Buffer.from(head, "latin1") : Buffer.concat([Buffer.from(head, "latin1"), body]);
}

class Http1Transport implements LoadTransport, Http1ConnectionHost {
  readonly host: string;
  readonly port: number;
  readonly payloads: Buffer[];
  readonly isHead: boolean[];
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly connections: Http1Connection[] = [];
  private readonly freeSlots: Http1Connection[] = [];
  private readonly onDone: TransportDone;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(options: TransportOptions) {
    const { config } = options;
    const url = new URL(config.origin);
    this.host = url.hostname.replace(/^\[|\]$/g, "");
    this.port = url.port === "" ? 80 : Number(url.port);
    this.payloads = options.requests.map((r) => encodeHttp1Request(r, url.host, config.origin));
    this.isHead = options.requests.map((r) => r.method === "HEAD");
    this.onDone = options.onDone;
    this.now = options.now;
    this.timeoutMs = config.timeoutMs;
    for (let i = 0; i < config.connections; i++) this.connections.push(new Http1Connection(this, config.pipelining));
    // Connection-major order from the top of the stack: the first sends spread over every connection.
    for (let p = 0; p < config.pipelining; p++) for (let i = config.connections - 1; i >= 0; i--) this.freeSlots.push(this.connections[i] as Http1Connection);
    const every = Math.max(1, Math.min(MAX_SWEEP_MS, Math.floor(config.timeoutMs / SWEEPS_PER_TIMEOUT)));
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), every);
    this.sweepTimer.unref();
  }

  send(requestIndex: number, intendedMs: number, sentMs: number): void {
    if (this.closed) return;
    const connection = this.freeSlots.pop();
    if (connection === undefined) throw new Error("http1 transport: more requests in flight than connections × pipelining");
    connection.send(requestIndex, intendedMs, sentMs);
  }

  complete(connection: Http1Connection, status: number, errorKind: LoadErrorKind | null, bytesIn: number, intendedMs: number, sentMs: number): void {
    if (this.closed) return;
    this.freeSlots.push(connection);
    this.onDone(status, errorKind, bytesIn, intendedMs, sentMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const c of this.connections) c.drop();
  }

  /**
   * A connection with requests in flight and no bytes for timeoutMs times out (and is reopened
   * on the next send); one idle for IDLE_CLOSE_MS is closed.
   */
  private sweepTimeouts(): void {
    const now = this.now();
    for (const c of this.connections) {
      if (c.inFlight === 0) {
        if (!c.isOpen) c.idleSinceMs = -1;
        else if (c.idleSinceMs < 0) c.idleSinceMs = now;
        else if (now - c.idleSinceMs >= IDLE_CLOSE_MS) {
          c.drop();
          c.idleSinceMs = -1;
        }
        continue;
      }
      c.idleSinceMs = -1;
      if (c.active) {
        c.active = false;
        c.lastActivityMs = now;
      } else if (now - c.lastActivityMs >= this.timeoutMs) c.detach("timeout");
    }
  }
}

export function createHttp1Transport(options: TransportOptions): LoadTransport {
  return new Http1Transport(options);
}
