/**
 * A server with a fixed number of "cores": at most `concurrency` requests are served at a
 * time, each taking `serviceMs`; the rest wait in FIFO order. Throughput therefore levels
 * off at concurrency / serviceMs and latency bends upward past `concurrency` requests in
 * flight, a known breaking point for tests.
 */
import type { ServerResponse } from "node:http";
import { listenOnLoopback, respondOk, type RunningTestServer } from "./test-server.js";

export interface SlowAboveConcurrencyOptions {
  concurrency: number;
  serviceMs: number;
}

export interface SlowAboveConcurrencyServer extends RunningTestServer {
  /** The most requests that were ever waiting or in service at once. */
  peakInFlight(): number;
}

export async function startSlowAboveConcurrencyServer(options: SlowAboveConcurrencyOptions): Promise<SlowAboveConcurrencyServer> {
  const waiting: ServerResponse[] = [];
  let busy = 0;
  let inFlight = 0;
  let peak = 0;
  const serveNext = (): void => {
    while (busy < options.concurrency && waiting.length > 0) {
      const res = waiting.shift() as ServerResponse;
      busy++;
      setTimeout(() => {
        busy--;
        inFlight--;
        if (!res.destroyed) respondOk(res);
        serveNext();
      }, options.serviceMs);
    }
  };
  const running = await listenOnLoopback((req, res) => {
    req.resume();
    req.on("end", () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      waiting.push(res);
      serveNext();
    });
  });
  return { url: running.url, close: running.close, peakInFlight: () => peak };
}
