import type { LatencyHistogram } from "../histogram.js";
/**
 * What the main thread and the load workers say to each other. Histograms travel as HDR
 * compressed base64 (µs); times are ms since the run's shared start instant.
 */
import type { LoadErrorKind } from "../model.js";

export interface PlannedRequest {
  method: string;
  /** Path and query on the target origin. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
  weight: number;
}

export interface WorkerStage {
  durationMs: number;
  /** Requests per second for the whole run (each worker takes `rateShare` of it). */
  target: number;
}

export interface WorkerConfig {
  index: number;
  origin: string;
  connections: number;
  pipelining: number;
  http2: boolean;
  rejectUnauthorized: boolean;
  timeoutMs: number;
  requests: PlannedRequest[];
  /** "sequence": this worker sends requests index, index + workerCount, … (wrapping). */
  mixOrder: "random" | "sequence";
  workerCount: number;
  model: "open" | "closed";
  arrival: "constant" | "poisson";
  rateShare: number;
  /** Constant arrivals: this worker's offset, as a fraction of one inter-arrival gap. */
  phase: number;
  startRate: number;
  /** Open model: rate ramps; null means `startRate` for as long as the quota lasts. */
  stages: WorkerStage[] | null;
  durationMs: number | null;
  /** This worker's share of maxRequests (null: unbounded by count). */
  maxRequests: number | null;
}

/** Completions in one second of the run (by completion time), from one worker. */
export interface SecondBucket {
  second: number;
  completed: number;
  errors: number;
  /** Corrected latency of that second's completions. */
  histogram: string;
}

export interface WorkerTotals {
  sent: number;
  completed: number;
  ok: number;
  errors: number;
  /** Open model: sends that left > 1 ms after their intended time... */
  lateSends: number;
  /** Sends more than 10 ms late although a connection was free: the generator itself fell behind. */
  schedulerLateSends: number;
  droppedSends: number;
  bytesIn: number;
  bytesOut: number;
  statusCodes: Record<string, number>;
  errorKinds: Record<LoadErrorKind, number>;
}

export type MainToWorker = { type: "start"; startEpochMs: number } | { type: "stop" };

export type WorkerToMain =
  | { type: "ready" }
  | { type: "tick"; seconds: SecondBucket[]; sent: number; completed: number; errors: number }
  | {
      type: "done";
      totals: WorkerTotals;
      corrected: string;
      uncorrected: string;
      seconds: SecondBucket[];
      eventLoopLagP99Ms: number;
      /** CPU time of this worker thread over its run (ms); null where the OS does not say. */
      threadCpuMs: number | null;
      /** Set when the worker stopped early (stop message or drain deadline). */
      stoppedEarly: boolean;
    }
  | { type: "failed"; message: string };

export function emptyErrorKinds(): Record<LoadErrorKind, number> {
  return { refused: 0, reset: 0, timeout: 0, bad_response: 0, other: 0 };
}

/** Zeroed totals, as a worker starts and as the main thread starts merging. */
export function emptyWorkerTotals(): WorkerTotals {
  return { sent: 0, completed: 0, ok: 0, errors: 0, lateSends: 0, schedulerLateSends: 0, droppedSends: 0, bytesIn: 0, bytesOut: 0, statusCodes: {}, errorKinds: emptyErrorKinds() };
}

/** One second's completions, errors and latencies, on either side of the thread boundary. */
export interface SecondTally {
  completed: number;
  errors: number;
  histogram: LatencyHistogram;
}
