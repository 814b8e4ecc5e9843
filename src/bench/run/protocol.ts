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

/** One benchmark of several versions in one process, batches in turn (measure-interleaved.ts). */
export interface InterleaveRequest extends Omit<RunRequest, "mode"> {
  mode: "interleave";
  /** The bench file of each version (`file` is the first) and the folder each runs in. */
  files: string[];
  cwds: string[];
}

export type HarnessRequest = ListRequest | RunRequest | InterleaveRequest;

export type HarnessReply =
  | { type: "listed"; names: string[] }
  /** The file is imported and setup has run: measuring starts now (the runner's timeout too). */
  | { type: "ready" }
  | { type: "measured"; batchSize: number; samples: number[]; async: boolean; sink: string }
  | { type: "measured-set"; batchSize: number; samples: number[][]; sinks: string[] }
  /** `index`: in interleave mode, the version whose file or function failed. */
  | { type: "failed"; error: BenchError; index?: number };

export function isHarnessReply(value: unknown): value is HarnessReply {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === "listed" || type === "ready" || type === "measured" || type === "measured-set" || type === "failed";
}

export function isHarnessRequest(value: unknown): value is HarnessRequest {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Omit<Partial<RunRequest>, "mode"> & { mode?: unknown };
  if (typeof v.file !== "string") return false;
  if (v.mode === "list") return true;
  if (v.mode === "interleave") {
    const w = value as Partial<InterleaveRequest>;
    if (!Array.isArray(w.files) || !Array.isArray(w.cwds) || w.files.length !== w.cwds.length || w.files.length === 0) return false;
  }
  return (v.mode === "run" || v.mode === "interleave") && typeof v.name === "string" && typeof v.timeMs === "number" && typeof v.warmupMs === "number";
}
