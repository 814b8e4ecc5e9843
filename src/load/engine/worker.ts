/**
 * Worker-thread entry: builds a LoadWorker from workerData, waits for the shared start
 * instant, streams finished seconds to the main thread about once a second, and sends the
 * totals and histograms when its load is over (or it is told to stop).
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { encodeHistogram } from "../histogram.js";
import { LoadWorker } from "./load-worker.js";
import type { MainToWorker, WorkerConfig, WorkerToMain } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("load worker must run in a worker thread");
const send = (message: WorkerToMain): void => port.postMessage(message);

const lag = monitorEventLoopDelay({ resolution: 10 });
/**
 * This thread's CPU time (ms) from /proc/thread-self/stat (Linux; utime+stime in 1/100 s),
 * so an in-process server or the main thread is not billed to the generator. Null elsewhere.
 */
function readThreadCpuMs(): number | null {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

let cpuAtStart: number | null = null;
let tickTimer: NodeJS.Timeout | null = null;
let worker: LoadWorker | null = null;

function reportFinished(stoppedEarly: boolean): void {
  if (!worker) return;
  if (tickTimer) clearTimeout(tickTimer);
  lag.disable();
  const rec = worker.recorder;
  // The histogram's floor is the sampling resolution itself; subtract it to get the lag.
  const lagP99Ms = lag.count > 0 ? Math.max(0, lag.percentile(99) / 1e6 - 10) : 0;
  send({
    type: "done",
    totals: rec.totals,
    corrected: encodeHistogram(rec.corrected),
    uncorrected: encodeHistogram(rec.uncorrected),
    seconds: rec.takeSeconds(worker.now(), true),
    eventLoopLagP99Ms: Math.round(lagP99Ms * 1000) / 1000,
    threadCpuMs: cpuAtStart === null ? null : (readThreadCpuMs() ?? cpuAtStart) - cpuAtStart,
    stoppedEarly,
  });
  port?.close();
}

function scheduleTick(): void {
  if (!worker) return;
  // Shortly after each second boundary, so the second just ended is complete.
  const now = worker.now();
  const wait = Math.max(10, 1000 - (now % 1000) + 25);
  tickTimer = setTimeout(() => {
    if (!worker) return;
    const t = worker.recorder.totals;
    send({ type: "tick", seconds: worker.recorder.takeSeconds(worker.now(), false), sent: t.sent, completed: t.completed, errors: t.errors });
    scheduleTick();
  }, wait);
}

try {
  worker = new LoadWorker(workerData as WorkerConfig, reportFinished);
  port.on("message", (message: MainToWorker) => {
    if (!worker) return;
    if (message.type === "stop") {
      worker.stop();
      return;
    }
    const w = worker;
    const delay = message.startEpochMs - (performance.timeOrigin + performance.now());
    setTimeout(() => {
      lag.enable();
      cpuAtStart = readThreadCpuMs();
      w.start(message.startEpochMs);
      scheduleTick();
    }, Math.max(0, delay));
  });
  send({ type: "ready" });
} catch (error) {
  send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
