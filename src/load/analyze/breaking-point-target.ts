/**
 * The breaking-point search against a live target: one bounded load run per level, the
 * level applied as connections (closed model) or as an arrival rate (open model).
 */
import { PerfError } from "../../core/errors.js";
import type { LoadOptions, LoadResult } from "../model.js";
import { runLoadTest } from "../run-load-test.js";
import { findBreakingPoint, type BreakingPointResult, type BreakingPointRules, type LevelVerdict } from "./breaking-point.js";

export type BreakingPointKind = "concurrency" | "rate";

export interface BreakingPointTargetOptions extends BreakingPointRules {
  onLevel?: (level: number, result: LoadResult, verdict: LevelVerdict) => void;
  signal?: AbortSignal;
}

/** Default length of each level when the base options set none: long enough for a few seconds of timeline, short enough to step through many levels. */
export const DEFAULT_LEVEL_DURATION = "5s";

/** The options for one level: the base test with the level applied. */
export function optionsForLevel(base: LoadOptions, level: number, kind: BreakingPointKind): LoadOptions {
  const bounded = base.duration !== undefined || base.maxRequests !== undefined ? {} : { duration: DEFAULT_LEVEL_DURATION };
  if (kind === "concurrency") {
    // Concurrency levels are the closed model: connections sending back to back.
    const { requestsPerSecond: _rate, stages: _stages, ...rest } = base;
    return { ...rest, ...bounded, concurrency: level };
  }
  const { stages: _stages, ...rest } = base;
  return { ...rest, ...bounded, requestsPerSecond: level };
}

/** Runs `runLoadTest` at each level in order and stops after the first degraded one. */
export async function findBreakingPointForTarget(
  baseOptions: LoadOptions,
  levels: number[],
  kind: BreakingPointKind,
  options: BreakingPointTargetOptions = {},
): Promise<BreakingPointResult> {
  if (kind !== "concurrency" && kind !== "rate") throw new PerfError("USAGE", `Unknown breaking-point kind "${String(kind)}"`, { hint: 'Use "concurrency" (closed model) or "rate" (open model, req/s).' });
  const signal = options.signal ?? baseOptions.signal;
  return findBreakingPoint({
    ...options,
    levels,
    ...(signal ? { signal } : {}),
    run: (level) => runLoadTest({ ...optionsForLevel(baseOptions, level, kind), ...(signal ? { signal } : {}) }),
  });
}
