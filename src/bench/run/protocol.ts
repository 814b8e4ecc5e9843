/**
 * Messages between the runner and its harness child, over the IPC channel (never stdout:
 * a benchmark may print). One request per process; the child answers and exits.
 */
import type { BenchError } from "../model.js";

export interface ListRequest {
  mode: "list";
  file: string;
}

export interface RunRequest {
  mode: "run";
  file: string;
  name: string;
  timeMs: number;
  warmupMs: number;
  minSamples: number;
  /** Fixed ops per sample (versions compared must share it); absent = calibrate. */
  batchSize?: number;
  /** Stop sampling after this long even below minSamples, so a slow function still reports. */
  softLimitMs: number;
}

export type HarnessRequest = ListRequest | RunRequest;

export type HarnessReply =
  | { type: "listed"; names: string[] }
  /** The file is imported and setup has run: measuring starts now (the runner's timeout too). */
  | { type: "ready" }
  | { type: "measured"; batchSize: number; samples: number[]; async: boolean; sink: string }
  | { type: "failed"; error: BenchError };

export function isHarnessReply(value: unknown): value is HarnessReply {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === "listed" || type === "ready" || type === "measured" || type === "failed";
}

export function isHarnessRequest(value: unknown): value is HarnessRequest {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Omit<Partial<RunRequest>, "mode"> & { mode?: unknown };
  if (typeof v.file !== "string") return false;
  if (v.mode === "list") return true;
  return v.mode === "run" && typeof v.name === "string" && typeof v.timeMs === "number" && typeof v.warmupMs === "number";
}
