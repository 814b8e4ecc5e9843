/**
 * The load loop that runs inside one worker thread: a transport to the target (raw HTTP/1.1
 * for http://, undici otherwise), the
 * closed model (every completion triggers the next send) or the open model (a clock-checking
 * scheduler sends whatever is due in batches; requests that find no free connection wait in
 * a queue and keep their intended time).
 */
import { performance } from "node:perf_hooks";
import type { LoadErrorKind } from "../model.js";
import { encodeHttp1Request } from "./http1-transport.js";
import { WorkerRecorder } from "./recorder.js";
import { createArrivalSchedule, type ArrivalSchedule } from "./schedule.js";
import { createLoadTransport, type LoadTransport } from "./transport.js";
import type { PlannedRequest, WorkerConfig } from "./worker-protocol.js";

/** A send that leaves later than this after its intended time is a late send. */
const LATE_SEND_MS = 1;
/**
 * Below this gap the scheduler polls on setImmediate instead of sleeping on a timer. Timers
 * fire within ~1 ms; measured on 2 cores, sleeping to within 0.5 ms and polling the rest
 * kept >97% of sends within 1 ms of their time at 5-12% CPU, where a 2 ms window cost 50-100%.
 */
const SPIN_WINDOW_MS = 0.5;
/** A send with a free connection this late means the generator, not the server, fell behind. */
const SCHEDULER_BEHIND_MS = 10;
/** Arrivals waiting for a connection beyond this count are dropped rather than queued. */
const MAX_QUEUED = 1_000_000;
/** After the load phase, in-flight requests get their timeout plus this long to finish. */
const DRAIN_GRACE_MS = 1000;

interface PreparedRequest extends PlannedRequest {
  bytesOut: number;
  cumulativeWeight: number;
}

function prepareRequests(config: WorkerConfig): PreparedRequest[] {
  const host = new URL(config.origin).host;
  let cumulative = 0;
  return config.requests.map((r) => {
    cumulative += r.weight;
    // Exactly what the raw transport writes; an estimate for undici.
    return { ...r, bytesOut: encodeHttp1Request(r, host, config.origin).length, cumulativeWeight: cumulative };
  });
}

export class LoadWorker {
  readonly recorder = new WorkerRecorder();
  private readonly transport: LoadTransport;
  private readonly requests: PreparedRequest[];
  private readonly totalWeight: number;
  private readonly capacity: number;
  private readonly schedule: ArrivalSchedule | null;
  private startEpochMs = 0;
  private inFlight = 0;
  private generated = 0;
  private nextInSequence: number;
  private nextIntended: number | null = null;
  private queue: number[] = [];
  private queueHead = 0;
  private loadOver = false;
  private finished = false;
  private drainTimer: NodeJS.Timeout | null = null;
  private endTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: WorkerConfig,
    private readonly onFinish: (stoppedEarly: boolean) => void,
  ) {
    this.requests = prepareRequests(config);
    this.nextInSequence = config.index % Math.max(1, this.requests.length);
    this.transport = createLoadTransport({ config, requests: this.requests, onDone: this.onDone, now: () => this.now() });
    this.totalWeight = this.requests[this.requests.length - 1]?.cumulativeWeight ?? 1;
    this.capacity = config.connections * config.pipelining;
    this.schedule =
      config.model === "open"
        ? createArrivalSchedule({ startRate: config.startRate, stages: config.stages, share: config.rateShare, phase: config.phase, arrival: config.arrival })
        : null;
  }

  /** ms since the shared start instant (same epoch clock in every thread). */
  now(): number {
    return performance.timeOrigin + performance.now() - this.startEpochMs;
  }

  start(startEpochMs: number): void {
    this.startEpochMs = startEpochMs;
    if (this.config.durationMs !== null) this.endTimer = setTimeout(() => this.endLoad(), Math.max(0, this.config.durationMs - this.now()));
    if (this.config.maxRequests === 0) return this.endLoad();
    if (this.schedule) {
      this.nextIntended = this.schedule.next();
      this.tick();
    } else {
      for (let i = 0; i < this.capacity && !this.loadOver; i++) this.sendClosed();
    }
  }

  /** Abort: stop sending, forget in-flight requests, report what was measured. */
  stop(): void {
    this.endLoad();
    this.finish(true);
  }

  private quotaLeft(): boolean {
    return this.config.maxRequests === null || this.generated < this.config.maxRequests;
  }

  private sendClosed(): void {
    if (this.loadOver) return;
    const now = this.now();
    if ((this.config.durationMs !== null && now >= this.config.durationMs) || !this.quotaLeft()) return this.endLoad();
    this.generated++;
    this.dispatch(now, now);
  }

  private readonly tick = (): void => {
    if (this.loadOver || !this.schedule) return;
    const now = this.now();
    const end = this.config.durationMs;
    while (this.nextIntended !== null && this.nextIntended <= now) {
      if (!this.quotaLeft()) {
        this.nextIntended = null;
        break;
      }
      this.generated++;
      const intended = this.nextIntended;
      if (this.inFlight < this.capacity && this.queueHead === this.queue.length) {
        // A connection was free: lateness here is the generator's own.
        if (now - intended > SCHEDULER_BEHIND_MS) this.recorder.totals.schedulerLateSends++;
        this.dispatch(intended, now);
      } else if (this.queue.length - this.queueHead < MAX_QUEUED) this.queue.push(intended);
      else this.recorder.totals.droppedSends++;
      const next = this.schedule.next();
      this.nextIntended = next !== null && (end === null || next < end) ? next : null;
    }
    if (this.nextIntended === null) {
      if (this.queueHead === this.queue.length) this.endLoad();
      return; // the queue drains on completions; the end timer bounds the wait
    }
    const wait = this.nextIntended - now;
    if (wait > SPIN_WINDOW_MS) setTimeout(this.tick, Math.ceil(wait - SPIN_WINDOW_MS));
    else setImmediate(this.tick);
  };

  private sendQueued(): void {
    while (this.queueHead < this.queue.length && this.inFlight < this.capacity) {
      const intended = this.queue[this.queueHead++] as number;
      this.dispatch(intended, this.now());
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (this.nextIntended === null && this.queueHead === this.queue.length && !this.loadOver) this.endLoad();
  }

  private pick(): number {
    const reqs = this.requests;
    if (reqs.length === 1) return 0;
    if (this.config.mixOrder === "sequence") {
      const index = this.nextInSequence;
      this.nextInSequence = (index + this.config.workerCount) % reqs.length;
      return index;
    }
    const x = Math.random() * this.totalWeight;
    // Binary search on the cumulative weights: a mix may hold thousands of distinct requests.
    let lo = 0;
    let hi = reqs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < (reqs[mid] as PreparedRequest).cumulativeWeight) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private dispatch(intendedMs: number, sentMs: number): void {
    const index = this.pick();
    const totals = this.recorder.totals;
    totals.sent++;
    totals.bytesOut += (this.requests[index] as PreparedRequest).bytesOut;
    if (sentMs - intendedMs > LATE_SEND_MS) totals.lateSends++;
    this.inFlight++;
    this.transport.send(index, intendedMs, sentMs);
  }

  /** The transport reports each send exactly once; after finish() results are no longer recorded. */
  private readonly onDone = (status: number, errorKind: LoadErrorKind | null, bytesIn: number, intendedMs: number, sentMs: number): void => {
    this.inFlight--;
    if (this.finished) return;
    const rec = this.recorder;
    rec.totals.bytesIn += bytesIn;
    if (errorKind === null) rec.recordResponse(status, intendedMs, sentMs, this.now());
    else rec.recordError(errorKind, intendedMs, sentMs, this.now());
    this.afterCompletion();
  };

  private afterCompletion(): void {
    if (this.loadOver) {
      if (this.inFlight === 0) this.finish(false);
      return;
    }
    if (this.schedule) this.sendQueued();
    // Closed model: the freed connection sends again, off this stack so that errors that
    // complete synchronously cannot recurse.
    else queueMicrotask(() => this.sendClosed());
  }

  private endLoad(): void {
    if (this.loadOver) return;
    this.loadOver = true;
    if (this.endTimer) clearTimeout(this.endTimer);
    this.recorder.totals.droppedSends += this.queue.length - this.queueHead;
    this.queue = [];
    this.queueHead = 0;
    if (this.inFlight === 0) return this.finish(false);
    this.drainTimer = setTimeout(() => this.finish(true), this.config.timeoutMs + DRAIN_GRACE_MS);
  }

  private finish(stoppedEarly: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.onFinish(stoppedEarly);
    this.transport.close();
  }
}
