import { open, stat } from "node:fs/promises";
import { PerfError } from "../../core/errors.js";
import type { HeapGraph } from "./heap-graph.js";
import { SnapshotReader } from "./snapshot-reader.js";

export interface ParseSnapshotOptions {
  /** Bytes per read; 1 MB by default. Tiny values are for tests of chunk boundaries. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Reads a V8 .heapsnapshot file into a HeapGraph without ever holding its text: the file is
 * read in chunks (1 MB, one reused buffer) and each number or string goes straight into typed arrays or the string
 * table. Peak memory is the graph itself (about 30 bytes per node, 9 per edge, plus the
 * strings), a fraction of the file size. A truncated or corrupt file throws
 * PerfError("MALFORMED_INPUT") with the byte offset and what was expected there.
 */
export async function parseHeapSnapshotFile(file: string, options: ParseSnapshotOptions = {}): Promise<HeapGraph> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PerfError(code === "ENOENT" ? "TARGET_NOT_FOUND" : "PERMISSION_DENIED", `cannot read heap snapshot ${file}: ${(error as Error).message}`, {
      where: { file },
      hint: code === "ENOENT" ? "check the path; snapshots end in .heapsnapshot" : "check the file's permissions",
      cause: error,
    });
  }
  const reader = new SnapshotReader(file, size);
  // One buffer, refilled: a read stream would allocate a fresh chunk per read and leave tens
  // of MB of garbage waiting for the GC, which shows up in the peak RSS of big files.
  const buffer = Buffer.allocUnsafe(Math.max(1, options.chunkSize ?? 1 << 20));
  const handle = await open(file, "r").catch((error: NodeJS.ErrnoException) => {
    throw new PerfError(error.code === "EISDIR" ? "USAGE" : "PERMISSION_DENIED", `cannot open heap snapshot ${file}: ${error.message}`, {
      where: { file },
      hint: error.code === "EISDIR" ? "pass a .heapsnapshot file, not a folder" : "check the file's permissions",
      cause: error,
    });
  });
  try {
    for (;;) {
      if (options.signal?.aborted) throw new PerfError("INTERRUPTED", `reading ${file} was interrupted`, { where: { file, byte: reader.bytesRead } });
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      reader.feed(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      options.onProgress?.(reader.bytesRead, size);
    }
  } finally {
    await handle.close();
  }
  return reader.finish();
}

/** The same parse over chunks already in memory (tests, or snapshots arriving over a socket). */
export function parseHeapSnapshotChunks(chunks: Iterable<Buffer>, source: string, sizeHint = 0): HeapGraph {
  const reader = new SnapshotReader(source, sizeHint);
  for (const chunk of chunks) reader.feed(chunk);
  return reader.finish();
}
