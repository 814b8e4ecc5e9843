import { connect } from "node:net";
import { PerfError } from "../../core/errors.js";
import { delay } from "../../profile/collect/child-process.js";
import type { LoadOptions, LoadResult } from "../../load/model.js";
import { runLoadTest } from "../../load/run-load-test.js";
import type { MemorySeries } from "../model.js";

/** A load test running beside a memory watch. */
export interface WatchLoad {
  /** Requests completed so far (as of the load's last progress report, about once a second). */
  completed(): number;
  /** Rejects when the load test fails outright (bad options); never resolves otherwise. */
  failed: Promise<never>;
  /** Stops the load if it still runs and sums it up. */
  finish(): Promise<{ summary: NonNullable<MemorySeries["load"]>; notes: string[] }>;
}

const LISTEN_WAIT_MS = 10_000;

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Waits until something accepts connections on the URL's port: a server started with the watch needs a moment to listen. */
async function waitForListener(target: string, limitMs: number, signal: AbortSignal): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return true; // runLoadTest reports the bad URL with its own words.
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const deadline = Date.now() + limitMs;
  while (!signal.aborted && Date.now() < deadline) {
    if (await canConnect(host, port)) return true;
    await delay(100, signal);
  }
  return false;
}

/**
 * Starts `load` against the target until `deadline` (epoch ms; unless the load options bound
 * the run themselves), after waiting up to 10 s for the target to accept connections. Returns
 * at once: the waiting and the load run in the background while the watch samples.
 */
export function startWatchLoad(load: LoadOptions, deadline: number, signal: AbortSignal | undefined): WatchLoad {
  const notes: string[] = [];
  let completed = 0;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const run = async (): Promise<LoadResult> => {
    const waitMs = Math.max(0, Math.min(LISTEN_WAIT_MS, deadline - Date.now()));
    const listening = await waitForListener(load.target, waitMs, controller.signal);
    if (!listening && !controller.signal.aborted) notes.push(`nothing accepted connections at ${load.target} within ${waitMs} ms; the load started anyway`);
    const bounded = load.duration !== undefined || load.stages !== undefined || load.maxRequests !== undefined;
    const userSignal = load.signal;
    return runLoadTest({
      ...load,
      ...(bounded ? {} : { duration: `${Math.max(100, deadline - Date.now())}ms` }),
      signal: userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal,
      onProgress: (progress) => {
        completed = progress.completed;
        load.onProgress?.(progress);
      },
    });
  };
  let settled = false;
  const running = run();
  void running.then(
    () => (settled = true),
    () => (settled = true),
  );
  const failed = running.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error instanceof PerfError ? error : new PerfError("INTERNAL", `the load test failed: ${String(error)}`, { cause: error })),
  );
  // The watch may end before anyone awaits these: keep their rejections handled.
  running.catch(() => undefined);
  failed.catch(() => undefined);
  return {
    completed: () => completed,
    failed,
    async finish() {
      const settledBeforeFinish = settled;
      controller.abort("the memory watch ended");
      signal?.removeEventListener("abort", onAbort);
      const result = await running;
      completed = result.requests.completed;
      // Our own stop at the end of the watch is the plan, not news.
      if (result.partial && settledBeforeFinish) notes.push(`load: ${result.partial.reason}`);
      if (result.requests.errors > 0) notes.push(`load: ${result.requests.errors} of ${result.requests.sent} requests failed`);
      return { summary: { target: result.target, requests: result.requests.completed, throughput: result.throughput }, notes };
    },
  };
}
