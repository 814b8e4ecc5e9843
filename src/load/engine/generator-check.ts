/**
 * Was the load generator the bottleneck? If so its figures describe itself, not the server,
 * and the report must say so.
 */
import type { GeneratorCheck } from "../model.js";

/** Above this share of all cores the generator competes with itself (and the server, on loopback). */
export const CPU_SATURATION = 0.9;
/** Event-loop lag (p99) in a worker beyond which its timestamps and sends run late. */
export const LAG_SATURATION_MS = 50;
/** One worker thread busier than this share of its core cannot keep its schedule. */
export const THREAD_SATURATION = 0.9;
/** Open model: sends > 10 ms late while a connection was free, as a share of all sends (a short burst after a server stall stays below it). */
export const SCHEDULER_LATE_SATURATION = 0.05;

export interface GeneratorEvidence {
  cpu: number;
  /** The busiest worker thread's CPU as a share of one core (null where unmeasured). */
  busiestWorkerCpu: number | null;
  eventLoopLagP99Ms: number;
  model: "open" | "closed";
  sent: number;
  /** Open model: late sends that had a free connection (only the scheduler was late). */
  schedulerLateSends: number;
}

export function assessGenerator(e: GeneratorEvidence): GeneratorCheck {
  const reasons: string[] = [];
  if (e.cpu > CPU_SATURATION) reasons.push(`the generator used ${(e.cpu * 100).toFixed(0)}% of all cores`);
  if (e.busiestWorkerCpu !== null && e.busiestWorkerCpu > THREAD_SATURATION) reasons.push(`a load worker thread was busy ${(e.busiestWorkerCpu * 100).toFixed(0)}% of the time`);
  if (e.eventLoopLagP99Ms > LAG_SATURATION_MS) reasons.push(`worker event-loop lag p99 was ${e.eventLoopLagP99Ms.toFixed(0)} ms`);
  if (e.model === "open" && e.sent > 0 && e.schedulerLateSends / e.sent > SCHEDULER_LATE_SATURATION) {
    reasons.push(`${((e.schedulerLateSends / e.sent) * 100).toFixed(1)}% of sends left over 10 ms late although a connection was free (the scheduler fell behind, not the server)`);
  }
  const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;
  return {
    cpu: round(e.cpu, 3),
    eventLoopLagP99Ms: round(e.eventLoopLagP99Ms, 3),
    saturated: reasons.length > 0,
    reason: reasons.length > 0 ? `${reasons.join("; ")}: these figures may describe the load generator, not the server` : null,
  };
}
