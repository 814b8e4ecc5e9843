/**
 * A server that misbehaves on a fixed rota: every `resetEvery`-th request has its
 * connection reset, every `errorEvery`-th gets a 500, the rest a 200. Deterministic, so a
 * test knows how many of each to expect from how many were served.
 */
import type { Socket } from "node:net";
import { listenOnLoopback, respondOk, type RunningTestServer } from "./test-server.js";

export interface ErrorServerOptions {
  resetEvery: number;
  errorEvery: number;
}

export interface ErrorServer extends RunningTestServer {
  counts(): { requests: number; resets: number; errors500: number; ok: number };
}

export async function startErrorServer(options: ErrorServerOptions): Promise<ErrorServer> {
  let requests = 0;
  let resets = 0;
  let errors500 = 0;
  let ok = 0;
  const running = await listenOnLoopback((req, res) => {
    const n = ++requests;
    req.resume();
    req.on("end", () => {
      if (n % options.resetEvery === 0) {
        resets++;
        // A TCP RST, not a polite FIN: what a crashing or overloaded peer looks like.
        (req.socket as Socket).resetAndDestroy();
      } else if (n % options.errorEvery === 0) {
        errors500++;
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("boom");
      } else {
        ok++;
        respondOk(res);
      }
    });
  });
  return { url: running.url, close: running.close, counts: () => ({ requests, resets, errors500, ok }) };
}
