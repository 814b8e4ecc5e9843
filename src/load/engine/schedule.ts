/**
 * Intended send times for the open model. Arrivals follow the cumulative rate curve
 * N(t) = share · ∫ rate: with constant spacing the k-th arrival is where N(t) = k + phase;
 * with Poisson arrivals N(t) advances by exponential(1) steps (a time-changed unit Poisson
 * process, so ramps stay Poisson). Stages ramp the rate linearly, k6-style.
 */
import type { WorkerStage } from "./worker-protocol.js";

export interface ArrivalScheduleOptions {
  /** Rate (req/s, whole run) before the first stage ramps it. */
  startRate: number;
  stages: WorkerStage[] | null;
  /** This worker's fraction of the rate. */
  share: number;
  /** Constant arrivals: offset in [0, 1) of a gap, so workers interleave. */
  phase: number;
  arrival: "constant" | "poisson";
  random?: () => number;
}

export interface ArrivalSchedule {
  /** The next intended send time (ms since start), or null when the stages are over. */
  next(): number | null;
}

interface Segment {
  startMs: number;
  durationMs: number;
  /** Arrivals per ms at the segment's start and end (already scaled by the share). */
  from: number;
  to: number;
}

function buildSegments(o: ArrivalScheduleOptions): Segment[] {
  const perMs = (rate: number): number => (rate * o.share) / 1000;
  if (!o.stages) return [{ startMs: 0, durationMs: Infinity, from: perMs(o.startRate), to: perMs(o.startRate) }];
  const segments: Segment[] = [];
  let t = 0;
  let rate = o.startRate;
  for (const s of o.stages) {
    segments.push({ startMs: t, durationMs: s.durationMs, from: perMs(rate), to: perMs(s.target) });
    t += s.durationMs;
    rate = s.target;
  }
  return segments;
}

/** Arrivals accumulated over the first `tau` ms of a segment. */
function areaWithin(s: Segment, tau: number): number {
  if (!Number.isFinite(s.durationMs)) return s.from > 0 ? Infinity : 0;
  return s.from * tau + ((s.to - s.from) * tau * tau) / (2 * s.durationMs);
}

/** Time into the segment at which `area` arrivals have accumulated (area <= segment total). */
function timeForArea(s: Segment, area: number): number {
  if (area <= 0) return 0;
  const a = Number.isFinite(s.durationMs) ? (s.to - s.from) / (2 * s.durationMs) : 0;
  const b = s.from;
  // Root of a·τ² + b·τ − area = 0, written to stay stable when a → 0.
  const disc = Math.max(0, b * b + 4 * a * area);
  const denom = b + Math.sqrt(disc);
  return denom > 0 ? (2 * area) / denom : Infinity;
}

export function createArrivalSchedule(options: ArrivalScheduleOptions): ArrivalSchedule {
  const segments = buildSegments(options);
  const random = options.random ?? Math.random;
  let index = 0;
  let areaBefore = 0; // arrivals accumulated before segments[index]
  let target = options.arrival === "constant" ? options.phase : 0;
  const step = (): number => (options.arrival === "constant" ? 1 : -Math.log(1 - random()));
  if (options.arrival === "poisson") target = step();
  return {
    next(): number | null {
      for (;;) {
        const s = segments[index];
        if (!s) return null;
        const total = areaWithin(s, s.durationMs);
        if (target - areaBefore <= total) {
          const t = s.startMs + timeForArea(s, target - areaBefore);
          if (!Number.isFinite(t)) return null;
          target += step();
          return t;
        }
        areaBefore += total;
        index++;
      }
    },
  };
}
