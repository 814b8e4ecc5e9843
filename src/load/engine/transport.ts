/**
 * What the load loop needs from a client: send request i, hear back exactly once. Plain
 * http:// targets get the raw HTTP/1.1 transport on node:net (the generator's hot path);
 * https and HTTP/2 go through undici.
 */
import { Pool, type Dispatcher } from "undici";
import type { LoadErrorKind } from "../model.js";
import { classifyRequestError } from "./error-kind.js";
import { createHttp1Transport } from "./http1-transport.js";
import type { PlannedRequest, WorkerConfig } from "./worker-protocol.js";

/**
 * Called once per send (never after close()): a response (`errorKind` null, any status) or a
 * failure. `bytesIn` is what that request's response took on the wire.
 */
export type TransportDone = (status: number, errorKind: LoadErrorKind | null, bytesIn: number, intendedMs: number, sentMs: number) => void;

export interface LoadTransport {
  /** Sends config.requests[requestIndex]. The caller keeps at most connections × pipelining in flight. */
  send(requestIndex: number, intendedMs: number, sentMs: number): void;
  /** Drops every connection; in-flight requests are forgotten, not reported. */
  close(): void;
}

export interface TransportOptions {
  config: WorkerConfig;
  requests: readonly PlannedRequest[];
  onDone: TransportDone;
  /** The load loop's clock (ms since the run start), used for request timeouts. */
  now: () => number;
}

function headerBytes(raw: Buffer[], statusText: string): number {
  let n = 15 + statusText.length; // "HTTP/1.1 200 OK\r\n" without the text
  for (const b of raw) n += b.length + 2; // ": " or "\r\n" after each name/value
  return n + 2;
}

/** The undici transport: one Pool per worker, for https and HTTP/2 (TLS and ALPN are undici's job). */
export function createUndiciTransport(options: TransportOptions): LoadTransport {
  const { config, requests, onDone } = options;
  const pool = new Pool(config.origin, {
    connections: config.connections,
    pipelining: config.pipelining,
    allowH2: config.http2,
    connect: { rejectUnauthorized: config.rejectUnauthorized },
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
  });
  let closed = false;

  const send = (requestIndex: number, intendedMs: number, sentMs: number): void => {
    const req = requests[requestIndex];
    if (!req) throw new RangeError(`no planned request ${requestIndex}`);
    let status = 0;
    let bytesIn = 0;
    let settled = false;
    const handler: Dispatcher.DispatchHandlers = {
      onConnect: () => undefined,
      onHeaders: (statusCode, rawHeaders, _resume, statusText) => {
        status = statusCode;
        bytesIn += headerBytes(rawHeaders, statusText ?? "");
        return true;
      },
      onData: (chunk) => {
        bytesIn += chunk.length;
        return true;
      },
      onComplete: () => {
        if (settled || closed) return;
        settled = true;
        onDone(status, null, bytesIn, intendedMs, sentMs);
      },
      onError: (error) => {
        if (settled || closed) return;
        settled = true;
        onDone(0, classifyRequestError(error), bytesIn, intendedMs, sentMs);
      },
    };
    try {
      pool.dispatch(
        { origin: config.origin, path: req.path, method: req.method as Dispatcher.HttpMethod, headers: req.headers, body: req.body, headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs },
        handler,
      );
    } catch (error) {
      handler.onError?.(error as Error);
    }
  };

  return {
    send,
    close: () => {
      closed = true;
      pool.destroy().catch(() => undefined);
    },
  };
}

export function createLoadTransport(options: TransportOptions): LoadTransport {
  const plain = new URL(options.config.origin).protocol === "http:" && !options.config.http2;
  return plain ? createHttp1Transport(options) : createUndiciTransport(options);
}
