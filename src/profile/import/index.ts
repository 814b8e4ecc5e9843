import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { PerfError } from "../../core/errors.js";
import type { Profile } from "../model.js";
import { importFromCollapsed } from "./collapsed.js";
import { importFromCpuProfile } from "./cpuprofile.js";
import { importFromSamplingHeapProfile } from "../../memory/alloc/import-sampling-heap.js";
import { locateJsonError } from "./json-locate.js";
import { importFromPerfScript, importFromPerfScriptStream, sniffPerfScript } from "./perf-script.js";

/**
 * perf samples are weighted by their recorded period (CPU nanoseconds for clock events) for
 * analysis: time-gap weighting, which speedscope uses, charges a thread's sleep to its next
 * sample and inflates background threads in multi-threaded processes.
 */
export const PERF_ANALYSIS_WEIGHTING = "period" as const;

/** perf script files above this size are imported aggregated per call path (no per-sample times). */
export const AGGREGATE_PERF_SCRIPT_ABOVE_BYTES = 256 * 1024 * 1024;
import { importFromPerfscopeJson } from "./perfscope-json.js";
import { decodeProfileText, hasUtf16Bom } from "./text-decode.js";

export { importFromCollapsed, parseCollapsedFrame, type CollapsedOptions } from "./collapsed.js";
export { importFromCpuProfile, type CpuProfileOptions } from "./cpuprofile.js";
export {
  foldPerfScriptStream,
  importFromPerfScript,
  importFromPerfScriptStream,
  splitPerfScriptByThread,
  sniffPerfScript,
  type PerfScriptOptions,
  type PerfScriptStreamOptions,
  type PerfThreadProfile,
  type PerfWeighting,
} from "./perf-script.js";
export { importFromPerfscopeJson } from "./perfscope-json.js";
export { decodeProfileText } from "./text-decode.js";

/** The formats detectAndImportProfile knows, as error messages name them. */
export const KNOWN_PROFILE_FORMATS = [
  "V8 CPU profile JSON (.cpuprofile from Chrome DevTools, node --cpu-prof, inspector Profiler.stop)",
  "perfscope profile JSON (exportToPerfscopeJson)",
  "V8 sampling heap profile JSON (.heapprofile from DevTools or perfscope alloc): bytes allocated per call path",
  "Linux `perf script` text",
  "collapsed/folded stacks (`a;b;c 12` per line, FlameGraph)",
] as const;

/** Files whose start looks like perf script are streamed past this head instead of read whole. */
const SNIFF_BYTES = 64 * 1024;

function unknownFormat(fileName: string, why: string): PerfError {
  return new PerfError("UNKNOWN_FORMAT", `${fileName}: ${why}. Known formats: ${KNOWN_PROFILE_FORMATS.join("; ")}.`, {
    where: { file: fileName },
    hint: "Convert the profile to one of these (e.g. `perf script > out.txt`, or save a .cpuprofile from DevTools).",
  });
}

function parseJsonOrThrow(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const loc = locateJsonError(text);
    const where = loc ? `at line ${loc.line}, byte ${loc.byte}: expected ${loc.expected}, found ${loc.found}` : "";
    throw new PerfError("MALFORMED_INPUT", `${fileName} is not valid JSON ${where}`.trim(), {
      where: { file: fileName, ...(loc ? { line: loc.line, byte: loc.byte } : {}) },
      hint: loc?.found === "end of file" ? "The file ends early: it was probably truncated while being written or copied." : "Fix or re-export the file.",
      cause,
    });
  }
}

function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text[i]!;
    if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") return c;
  }
  return undefined;
}

/**
 * Imports a profile of any known format from its bytes or text. Throws UNKNOWN_FORMAT (with
 * the list of known formats) when no importer claims it, MALFORMED_INPUT when one does but
 * the content is broken.
 */
export function detectAndImportProfile(data: Buffer | string, fileName: string): Profile {
  const text = decodeProfileText(data);
  const first = firstNonSpace(text);
  if (first === undefined) throw unknownFormat(fileName, "the file is empty");
  if (first === "{" || first === "[") {
    const value = parseJsonOrThrow(text, fileName);
    // A .heapprofile has a cpuprofile-like `head`: try it before the cpuprofile importer.
    const profile = importFromPerfscopeJson(value, { fileName }) ?? importFromSamplingHeapProfile(value, { fileName }) ?? importFromCpuProfile(value, { fileName });
    if (profile) return profile;
    throw unknownFormat(fileName, "this JSON is not a profile format perfscope reads (trace-event and timeline JSON are not supported yet)");
  }
  const profile = importFromPerfScript(text, { fileName, weighting: PERF_ANALYSIS_WEIGHTING }) ?? importFromCollapsed(text, { fileName });
  if (profile) return profile;
  throw unknownFormat(fileName, "the content matches no known profile format");
}

/**
 * Imports a profile file. `perf script` text is streamed (files of gigabytes work in bounded
 * memory beyond the samples kept); other formats are read whole.
 */
export async function importProfileFile(file: string, options: { onProgress?: (bytesRead: number) => void } = {}): Promise<Profile> {
  let head: Buffer;
  try {
    const handle = await open(file, "r");
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PerfError("TARGET_NOT_FOUND", `Profile file not found: ${file}`, { where: { file }, hint: "Check the path (relative paths resolve from the current directory).", cause });
    }
    if (code === "EISDIR") throw new PerfError("USAGE", `${file} is a directory, not a profile file`, { where: { file }, cause });
    throw cause;
  }
  const name = path.basename(file);
  let profile: Profile;
  if (!hasUtf16Bom(head) && sniffPerfScript(head.toString("utf8"))) {
    // Past this size keeping every sample costs more memory than it is worth: aggregate per
    // call path, so memory follows the distinct stacks rather than the file.
    const aggregate = (await stat(file)).size > AGGREGATE_PERF_SCRIPT_ABOVE_BYTES;
    profile = await importFromPerfScriptStream(createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: file, weighting: PERF_ANALYSIS_WEIGHTING, aggregate, onProgress: options.onProgress });
  } else {
    const data = await readFile(file);
    options.onProgress?.(data.length);
    profile = detectAndImportProfile(data, file);
  }
  profile.meta.name = name;
  return profile;
}
