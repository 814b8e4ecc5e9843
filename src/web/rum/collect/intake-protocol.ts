/**
 * What the collector's HTTP thread and its intake worker thread say to each other. Bodies
 * travel as strings (a Buffer from a socket read may view a much larger pooled block, and
 * cloning copies the whole block); outcomes travel as small codes.
 */
import { PerfError, type ErrorLocation, type PerfErrorCode } from "../../../core/errors.js";
import type { IntakeOutcome, IntakeStats } from "./beacon-intake.js";
import type { RouteRule } from "./normalize-route.js";

export interface IntakeWorkerData {
  /** A SQLite path or postgres:// URL, opened by the worker (see openRumStore). */
  store: string;
  durability: "normal" | "full" | undefined;
  routeRules: readonly RouteRule[] | undefined;
  maxBatchEvents: number;
  maxBatchDelayMs: number;
  maxQueuedEvents: number;
}

/** The two request headers the device class is read from, when present. */
export type DeviceHints = { "user-agent"?: string; "sec-ch-ua-mobile"?: string } | null;

export type ToIntakeWorker =
  | { type: "beacons"; ids: number[]; bodies: string[]; hints: DeviceHints[] }
  | { type: "drain"; token: number }
  | { type: "close" };

/** 0 stored, 1 busy, 2 write failed, a string: invalid, with this error. */
export type OutcomeCode = 0 | 1 | 2 | string;

export interface SerializedError {
  /** Set only for a PerfError, so it is always one of PerfErrorCode. */
  code?: string;
  message: string;
  where?: Record<string, unknown>;
  hint?: string;
  /** Another error's stack, for the report. */
  stack?: string;
}

export type FromIntakeWorker =
  | { type: "ready" }
  | { type: "open-failed"; error: SerializedError }
  | { type: "outcomes"; ids: number[]; outcomes: OutcomeCode[]; stats: IntakeStats }
  | { type: "drained"; token: number; stats: IntakeStats }
  | { type: "error"; error: SerializedError }
  | { type: "closed"; stats: IntakeStats };

export function encodeOutcome(outcome: IntakeOutcome): OutcomeCode {
  switch (outcome.kind) {
    case "stored":
      return 0;
    case "busy":
      return 1;
    case "write-failed":
      return 2;
    case "invalid":
      return outcome.error;
  }
}

/** What crosses a thread of an error: a PerfError's code, where and hint; any other error's message and stack. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof PerfError) {
    return { message: error.message, code: error.code, ...(error.where ? { where: { ...error.where } } : {}), ...(error.hint ? { hint: error.hint } : {}) };
  }
  if (error instanceof Error) return { message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}

/** The error a thread reported, as a PerfError on this side (code, where and hint kept; another error's stack as its cause). */
export function rebuildError(error: SerializedError, fallback: PerfErrorCode): PerfError {
  const code = (error.code ?? fallback) as PerfErrorCode;
  let cause: Error | undefined;
  if (error.stack !== undefined) {
    cause = new Error(error.message);
    cause.stack = error.stack;
  }
  return new PerfError(code, error.message, { ...(error.where ? { where: error.where as ErrorLocation } : {}), ...(error.hint ? { hint: error.hint } : {}), ...(cause ? { cause } : {}) });
}
