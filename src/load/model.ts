/**
 * The load-test model: what to send (LoadOptions), and what came back (LoadResult). Plain
 * JSON data; latencies in milliseconds (recorded in microseconds in HDR histograms).
 */

/** One kind of request in a mix; `weight` sets its share of the traffic (default 1). */
export interface RequestSpec {
  method?: string;
  /** Absolute URL, or a path resolved against the target. */
  url?: string;
  headers?: Record<string, string>;
  body?: string;
  weight?: number;
}

/** A k6-style stage: move linearly to `target` (req/s in the open model, connections in the closed one) over `duration`. */
export interface LoadStage {
  duration: number | string;
  target: number;
}

export interface LoadOptions {
  /** The URL to load (http or https). Only loopback hosts unless `allowRemote` is set. */
  target: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A request mix instead of a single request. */
  requests?: RequestSpec[];
  /**
   * How each send picks from the mix: "random" (default, by weight) or "sequence": in order,
   * wrapping at the end (workers interleave), to replay captured traffic or send ids that must
   * not repeat while the mix lasts. Weights are ignored in sequence.
   */
  mixOrder?: "random" | "sequence";
  /** Connections. In the closed model each sends back to back; in the open model they are the pool size. */
  concurrency?: number;
  /** Open model: the arrival rate in requests per second. Without it the model is closed. */
  requestsPerSecond?: number;
  /** Open model arrivals: evenly spaced ("constant", default) or a Poisson process. */
  arrival?: "constant" | "poisson";
  /** Ramps instead of one level; the run lasts their total duration. */
  stages?: LoadStage[];
  /** Seconds or "30s". A run needs a duration, stages, or maxRequests: it never runs unbounded. */
  duration?: number | string;
  maxRequests?: number;
  /** Worker threads generating load (default: the number of cores). */
  workers?: number;
  /** Per-request timeout in ms (default 10000). */
  timeoutMs?: number;
  /** HTTP/1.1 requests in flight per connection (default 1). */
  pipelining?: number;
  http2?: boolean;
  /** k6-style thresholds, e.g. "p95<200ms", "errors<1%"; a failed one sets exit code 1. */
  thresholds?: string[];
  /** Allow a target that is not on loopback (off by default: load tests stay on this machine). */
  allowRemote?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedMs: number;
  completed: number;
  errors: number;
  /** Completed requests per second over the last second. */
  currentRps: number;
  p99Ms: number | null;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export type LoadErrorKind = "refused" | "reset" | "timeout" | "bad_response" | "other";

export interface TimelinePoint {
  /** Seconds since the start. */
  second: number;
  completed: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface ThresholdResult {
  expression: string;
  metric: string;
  limit: number;
  actual: number | null;
  ok: boolean;
}

export interface GeneratorCheck {
  /** CPU used by the load generator, as a fraction of all cores. */
  cpu: number;
  /** 99th percentile event-loop lag in the workers, ms. */
  eventLoopLagP99Ms: number;
  /** True when the generator itself limited the run: its numbers are not the server's. */
  saturated: boolean;
  reason: string | null;
}

export interface LoadResult {
  version: 1;
  target: string;
  model: { kind: "closed"; connections: number } | { kind: "open"; rate: number; arrival: "constant" | "poisson"; connections: number };
  startedAt: string;
  durationMs: number;
  requests: { sent: number; completed: number; ok: number; errors: number };
  /** Completed requests per second over the run. */
  throughput: number;
  /** Latency as the user sees it: in the open model from each request's intended send time (corrects coordinated omission). */
  latency: LatencySummary;
  /** Latency from the actual send time: what a closed-loop tool would report. */
  latencyUncorrected: LatencySummary;
  statusCodes: Record<string, number>;
  errors: Record<LoadErrorKind, number>;
  /** Open model: sends that left more than 1 ms after their intended time, and sends never made. */
  lateSends: number;
  droppedSends: number;
  bytes: { in: number; out: number };
  timeline: TimelinePoint[];
  /** The corrected latency histogram (µs), HDR compressed base64: merge or re-analyse offline. */
  histogram: string;
  generator: GeneratorCheck;
  thresholds: ThresholdResult[];
  partial: { reason: string } | null;
}
