/**
 * A server that answers at once except during periodic stalls, when it holds every
 * response (those already waiting and those arriving) until the stall ends: the classic
 * "GC pause" shape that closed-loop load generators fail to see.
 */
import { listenOnLoopback, respondOk, type RunningTestServer } from "./test-server.js";

export interface StallingServerOptions {
  /** How long each stall lasts (ms). */
  stallMs: number;
  /** One stall per period (ms); the stall sits at the end of each period. */
  periodMs: number;
}

export interface StallingServer extends RunningTestServer {
  /** Epoch ms at which the first period began. */
  readonly epochMs: number;
  stalledResponses(): number;
}

export async function startStallingServer(options: StallingServerOptions): Promise<StallingServer> {
  const { stallMs, periodMs } = options;
  const epochMs = Date.now();
  let stalled = 0;
  const running = await listenOnLoopback((req, res) => {
    req.resume();
    req.on("end", () => {
      const phase = (Date.now() - epochMs) % periodMs;
      const stallStart = periodMs - stallMs;
      if (phase < stallStart) return respondOk(res);
      stalled++;
      setTimeout(() => respondOk(res), periodMs - phase);
    });
  });
  return { url: running.url, close: running.close, epochMs, stalledResponses: () => stalled };
}
