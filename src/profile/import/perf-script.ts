import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import type { Profile } from "../model.js";
import { foldProfileStacks } from "../export/collapsed.js";
import { PerfProfileAssembler, perfThreadName, type PerfWeighting } from "./perf-script-assemble.js";
import type { PerfSampleHeader } from "./perf-script-header.js";
import { PerfScriptLineReader } from "./perf-script-lines.js";
import { sniffPerfScript } from "./perf-script-header.js";

export type { PerfWeighting } from "./perf-script-assemble.js";
export { sniffPerfScript } from "./perf-script-header.js";

export interface PerfScriptOptions {
  fileName?: string;
  /** Keep one sample per call path instead of every sample (memory follows distinct stacks). */
  aggregate?: boolean;
  /** Default "time": see PerfWeighting. */
  weighting?: PerfWeighting;
}

export interface PerfScriptStreamOptions extends PerfScriptOptions {
  /** Called after each chunk with the bytes (or characters, for string chunks) read so far. */
  onProgress?: (bytesRead: number) => void;
}

/** One thread's samples as its own Profile, named the way speedscope names them. */
export interface PerfThreadProfile {
  /** "comm pid: P tid: T" (zero ids omitted, as speedscope does). */
  name: string;
  comm: string;
  pid?: number;
  tid?: number;
  profile: Profile;
}

/**
 * Imports `perf script` text (all threads in one Profile). Returns null when the text is not
 * perf script output; throws MALFORMED_INPUT (file and line) when it is but breaks later.
 */
export function importFromPerfScript(text: string, options: PerfScriptOptions = {}): Profile | null {
  if (!sniffPerfScript(text)) return null;
  const fileName = options.fileName ?? "perf script";
  // The sink runs only once text is pushed, after `assembler` exists.
  const reader: PerfScriptLineReader = new PerfScriptLineReader((h, s, d) => assembler.add(h, s, d), fileName);
  const assembler = new PerfProfileAssembler(reader.frames, { ...options, fileName });
  reader.push(text);
  reader.end();
  return assembler.build();
}

/**
 * Streams `perf script` output (a file or perf's stdout) into a Profile without holding the
 * text: memory grows with samples, or only with distinct stacks when `aggregate` is set.
 */
export async function importFromPerfScriptStream(input: AsyncIterable<Buffer | string>, options: PerfScriptStreamOptions = {}): Promise<Profile> {
  const fileName = options.fileName ?? "perf script";
  // The sink runs only once text is pushed, after `assembler` exists.
  const reader: PerfScriptLineReader = new PerfScriptLineReader((h, s, d) => assembler.add(h, s, d), fileName);
  const assembler = new PerfProfileAssembler(reader.frames, { ...options, fileName });
  await pumpChunks(input, reader, options.onProgress);
  return assembler.build();
}

/**
 * Folds `perf script` output into collapsed stacks (`a;b;c` → weight) as it streams, like
 * FlameGraph's stackcollapse-perf. Weighting defaults to "samples" (a count per stack).
 */
export async function foldPerfScriptStream(input: AsyncIterable<Buffer | string>, options: PerfScriptStreamOptions = {}): Promise<Map<string, number>> {
  const profile = await importFromPerfScriptStream(input, { weighting: "samples", ...options, aggregate: true });
  return foldProfileStacks(profile);
}

/** Imports each thread (comm/pid/tid) as its own Profile, in order of first appearance. */
export function splitPerfScriptByThread(text: string, options: PerfScriptOptions = {}): PerfThreadProfile[] | null {
  if (!sniffPerfScript(text)) return null;
  const fileName = options.fileName ?? "perf script";
  const byThread = new Map<string, { header: PerfSampleHeader; assembler: PerfProfileAssembler }>();
  let event: string | undefined;
  const reader: PerfScriptLineReader = new PerfScriptLineReader((h, stack, depth) => {
    // Only the file's first event type counts, as in the single-profile import.
    event ??= h.event;
    if (h.event !== event) return;
    const name = perfThreadName(h);
    let entry = byThread.get(name);
    if (!entry) {
      entry = { header: h, assembler: new PerfProfileAssembler(reader.frames, { ...options, fileName }) };
      byThread.set(name, entry);
    }
    entry.assembler.add(h, stack, depth);
  }, fileName);
  reader.push(text);
  reader.end();
  return [...byThread].map(([name, { header, assembler }]) => {
    const profile = assembler.build();
    profile.meta.name = name;
    const out: PerfThreadProfile = { name, comm: header.comm, profile };
    if (header.pid !== undefined) out.pid = header.pid;
    if (header.tid !== undefined) out.tid = header.tid;
    return out;
  });
}

const LATIN1_PIECE = 1 << 19;

async function pumpChunks(input: AsyncIterable<Buffer | string>, reader: PerfScriptLineReader, onProgress?: (n: number) => void): Promise<void> {
  const decoder = new StringDecoder("utf8");
  let decoderHolds = false;
  let read = 0;
  for await (const chunk of input) {
    if (typeof chunk === "string") {
      read += chunk.length;
      reader.push(chunk);
    } else {
      read += chunk.length;
      // perf script text is nearly always ASCII: latin1 copies bytes straight into a one-byte
      // string, several times faster than UTF-8 decoding. The decoder takes over for other
      // chunks and for any chunk after one that ended inside a multi-byte character.
      if (!decoderHolds && isAscii(chunk)) {
        // Node makes strings of ~1 MB and more external (outside V8's heap), which read slower
        // and escape GC pressure; pieces below that stay ordinary heap strings.
        for (let at = 0; at < chunk.length; at += LATIN1_PIECE) reader.push(chunk.toString("latin1", at, Math.min(chunk.length, at + LATIN1_PIECE)));
      } else {
        reader.push(decoder.write(chunk));
        decoderHolds = chunk.length < 4 || endsInsideCharacter(chunk);
      }
    }
    onProgress?.(read);
  }
  const tail = decoder.end();
  if (tail) reader.push(tail);
  reader.end();
}

/** Whether a UTF-8 buffer ends with an incomplete multi-byte sequence (the decoder keeps it). */
function endsInsideCharacter(buf: Buffer): boolean {
  for (let k = 1; k <= 4 && k <= buf.length; k++) {
    const c = buf[buf.length - k]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k;
  }
  return true; // only continuation bytes: let the decoder sort it out
}
