import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { PerfError } from "../../core/errors.js";
import type { CdpClient } from "../../profile/collect/cdp-client.js";

export interface TakeHeapSnapshotOptions {
  signal?: AbortSignal;
  /** V8's own progress while it walks the heap (objects done / total), then bytes written. */
  onProgress?: (progress: { phase: "walking" | "writing"; done: number; total: number | null }) => void;
  /** Limit for the whole snapshot; 30 minutes by default (a multi-GB heap takes minutes). */
  timeoutMs?: number;
}

/**
 * Takes a V8 heap snapshot through an inspector session and streams it to `file` as the
 * chunks arrive, so the snapshot is never whole in this process's memory. V8 collects
 * garbage first, so what is in the file is what is really alive.
 */
export async function takeHeapSnapshot(cdp: CdpClient, file: string, options: TakeHeapSnapshotOptions = {}): Promise<{ file: string; bytes: number }> {
  if (options.signal?.aborted) throw interrupted(file, cdp.url);
  // Synchronous writes: while a chunk is written the socket is not read, so a slow disk
  // pushes back on the inspector (TCP) instead of the snapshot piling up in this process.
  const fd = openSync(file, "w");
  let closed = false;
  const closeFile = (): void => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  let bytes = 0;
  let active = true;
  let writeError: Error | null = null;
  // CdpClient has no way to remove a listener: `active` turns these off once we are done.
  cdp.on("HeapProfiler.addHeapSnapshotChunk", (params) => {
    if (!active || writeError) return;
    const chunk = params.chunk;
    if (typeof chunk !== "string") return;
    const data = Buffer.from(chunk, "utf8");
    bytes += data.length;
    try {
      writeSync(fd, data);
    } catch (error) {
      writeError = error as Error;
    }
    options.onProgress?.({ phase: "writing", done: bytes, total: null });
  });
  cdp.on("HeapProfiler.reportHeapSnapshotProgress", (params) => {
    if (!active) return;
    const done = typeof params.done === "number" ? params.done : 0;
    const total = typeof params.total === "number" ? params.total : null;
    options.onProgress?.({ phase: "walking", done, total });
  });
  try {
    await raceAbort(cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: true, captureNumericValue: false }, options.timeoutMs ?? 30 * 60_000), options.signal, file, cdp.url);
    active = false;
    closeFile();
    if (writeError) throw writeError;
  } catch (error) {
    active = false;
    closeFile();
    rmSync(file, { force: true });
    throw describeFailure(error, file, cdp, writeError);
  }
  if (bytes === 0) {
    rmSync(file, { force: true });
    throw new PerfError("INTERNAL", "the inspector answered HeapProfiler.takeHeapSnapshot but sent no snapshot data", {
      where: { url: cdp.url },
      hint: "another client on the same inspector may be consuming the events; connect only one client and try again",
    });
  }
  return { file, bytes };
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, file: string, url: string): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(interrupted(file, url));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function interrupted(file: string, url: string): PerfError {
  return new PerfError("INTERRUPTED", `heap snapshot to ${file} was interrupted`, {
    where: { file, url },
    hint: "V8 finishes the snapshot inside the target regardless; nothing was kept (a partial snapshot cannot be read)",
  });
}

function describeFailure(error: unknown, file: string, cdp: CdpClient, writeError: Error | null): unknown {
  if (error instanceof PerfError) return error;
  if (writeError) {
    const code = (writeError as NodeJS.ErrnoException).code;
    return new PerfError(code === "EACCES" ? "PERMISSION_DENIED" : "INTERNAL", `cannot write the heap snapshot to ${file}: ${writeError.message}`, {
      where: { file },
      hint: code === "ENOSPC" ? "the disk is full: a snapshot is several times the JS heap size; write it elsewhere" : "check that the folder exists and is writable",
      cause: writeError,
    });
  }
  if (cdp.isClosed) {
    return new PerfError("TARGET_EXITED", "the inspector connection closed while the heap snapshot was being taken (did the process exit or run out of memory?)", {
      where: { url: cdp.url, file },
      hint: "a snapshot needs extra memory inside the target, roughly the size of its heap; give it headroom (--max-old-space-size) or snapshot earlier",
      cause: error,
    });
  }
  return new PerfError("INTERNAL", `heap snapshot failed: ${(error as Error).message}`, { where: { url: cdp.url, file }, cause: error });
}
