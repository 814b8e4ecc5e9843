import { PerfError } from "../../core/errors.js";
import { buildProfileFromCallTree, classifyFrameKind, type CallTreeInput, type FrameInput } from "../../profile/builder.js";
import { locateJsonError } from "../../profile/import/json-locate.js";
import { decodeProfileText } from "../../profile/import/text-decode.js";
import type { FrameKind, Profile, ProfileMeta } from "../../profile/model.js";

/**
 * V8 sampling heap profiles — DevTools' `.heapprofile` files and the result of
 * HeapProfiler.stopSampling — as a Profile weighted in bytes: one sample per call path with
 * the bytes V8 estimates that path allocated itself.
 */
export interface SamplingHeapImportOptions {
  fileName?: string;
  /** Merged into the profile's meta (target, pid, times of a live collection). */
  meta?: ProfileMeta;
  /** The original text, when there is one: errors then give the line and byte. */
  sourceText?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const SPECIAL_KINDS: Record<string, FrameKind> = { "(GC)": "gc", "(IDLE)": "idle", "(PROGRAM)": "program", "(V8 API)": "native", "(BYTECODE_COMPILER)": "native" };
const FORMAT_HINT = "A .heapprofile is JSON with `head` (a node: callFrame {functionName, url, lineNumber, columnNumber}, selfSize, id, children) and optional `samples`; re-save it from DevTools (Memory → Allocation sampling) or perfscope.";

/** True for the shape of a sampling heap profile: a head node with a callFrame and selfSize. */
function looksLikeHeapProfile(value: Json): boolean {
  const head = value.head;
  return isObject(head) && isObject(head.callFrame) && "selfSize" in head;
}

/** Where a node id appears in the source text, so a broken node can be found in a big file. */
function locateNode(text: string | undefined, id: unknown): { line?: number; byte?: number } {
  if (text === undefined || typeof id !== "number") return {};
  const m = new RegExp(`"id"\\s*:\\s*${id}(?![0-9.])`).exec(text);
  if (!m) return {};
  const before = text.slice(0, m.index);
  let line = 1;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
  return { line, byte: Buffer.byteLength(before) };
}

function malformed(fileName: string, message: string, where: { line?: number; byte?: number } = {}): PerfError {
  return new PerfError("MALFORMED_INPUT", `${fileName}: ${message}`, { where: { file: fileName, ...where }, hint: FORMAT_HINT });
}

function frameFor(cf: Json): FrameInput {
  const rawName = cf.functionName as string;
  const url = typeof cf.url === "string" ? cf.url : "";
  const line = typeof cf.lineNumber === "number" ? cf.lineNumber : -1;
  const column = typeof cf.columnNumber === "number" ? cf.columnNumber : -1;
  const frame: FrameInput = { name: rawName === "" ? "(anonymous)" : rawName };
  if (url !== "") frame.file = url;
  // V8 counts lines and columns from 0; perfscope shows them 1-based, as editors do.
  if (line >= 0) frame.line = line + 1;
  if (column >= 0) frame.column = column + 1;
  // Builtins (String.prototype.repeat, Array.prototype.push) have no script: native code.
  const guessed = url === "" ? "other" : classifyFrameKind(frame.name, url);
  frame.kind = SPECIAL_KINDS[rawName] ?? (guessed !== "other" ? guessed : url === "" ? "native" : "js");
  return frame;
}

/** Checks and converts the node tree, iteratively: allocation stacks can be very deep. */
function convertTree(head: Json, fileName: string, text: string | undefined): CallTreeInput[] {
  const roots: CallTreeInput[] = [];
  const work: Array<{ raw: unknown; into: CallTreeInput[]; depth: number }> = [{ raw: head, into: roots, depth: 0 }];
  while (work.length > 0) {
    const { raw, into, depth } = work.pop()!;
    const path = depth === 0 ? "head" : `a node at depth ${depth}`;
    if (!isObject(raw)) throw malformed(fileName, `${path} is not a node object`);
    // Located only on failure: a regex search per node would be quadratic in big files.
    const where = (): { line?: number; byte?: number } => locateNode(text, raw.id);
    const label = typeof raw.id === "number" ? `node id ${raw.id} (${path})` : path;
    const cf = raw.callFrame;
    if (!isObject(cf) || typeof cf.functionName !== "string") throw malformed(fileName, `${label} has no callFrame.functionName`, where());
    if (typeof raw.selfSize !== "number" || !Number.isFinite(raw.selfSize) || raw.selfSize < 0) {
      throw malformed(fileName, `${label} has selfSize ${JSON.stringify(raw.selfSize)}, expected a number of bytes >= 0`, where());
    }
    const kids = raw.children ?? [];
    if (!Array.isArray(kids)) throw malformed(fileName, `${label} has children that is not an array`, where());
    const isRoot = depth === 0 && cf.functionName === "(root)";
    const children: CallTreeInput[] = [];
    // (root) is V8's synthetic top: its callees are the real roots; it keeps any self bytes.
    if (isRoot) {
      if (raw.selfSize > 0) roots.push({ frame: frameFor(cf), self: raw.selfSize });
    } else into.push({ frame: frameFor(cf), self: raw.selfSize, children });
    const target = isRoot ? roots : children;
    for (let i = kids.length - 1; i >= 0; i--) work.push({ raw: kids[i], into: target, depth: depth + 1 });
  }
  return roots;
}

/**
 * Imports a sampling heap profile (parsed JSON, or `{ profile }` as CDP answers). Returns
 * null when the value is not one; throws MALFORMED_INPUT when it is but a node is broken.
 */
export function importFromSamplingHeapProfile(input: unknown, options: SamplingHeapImportOptions = {}): Profile | null {
  const fileName = options.fileName ?? "heapprofile";
  if (!isObject(input)) return null;
  const value = isObject(input.profile) && looksLikeHeapProfile(input.profile) ? input.profile : input;
  if (!looksLikeHeapProfile(value)) return null;
  if (value.samples !== undefined && !Array.isArray(value.samples)) throw malformed(fileName, "`samples` is not an array");
  const roots = convertTree(value.head as Json, fileName, options.sourceText);
  const meta: ProfileMeta = { name: fileName, collector: "import:heapprofile", ...options.meta };
  return buildProfileFromCallTree(roots, "bytes", meta);
}

const HEAD_SNIFF_CHARS = 64 * 1024;

/**
 * Detects and imports a saved `.heapprofile` from its text (or bytes). Null when the content
 * is not a sampling heap profile; MALFORMED_INPUT, with line and byte, when a file that is
 * one (by name or by content) is truncated or broken.
 */
export function importFromHeapProfileText(data: string | Buffer, fileName: string): Profile | null {
  const text = decodeProfileText(data);
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== "{") return null;
  const named = /\.heapprofile$/i.test(fileName);
  const head = text.slice(start, start + HEAD_SNIFF_CHARS);
  // Cheap sniff before a full parse: other JSON profiles have no `selfSize` near the top.
  if (!named && !(head.includes('"selfSize"') && head.includes('"callFrame"'))) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const loc = locateJsonError(text);
    const at = loc ? ` at line ${loc.line}, byte ${loc.byte}: expected ${loc.expected}, found ${loc.found}` : "";
    throw new PerfError("MALFORMED_INPUT", `${fileName} is a sampling heap profile but not valid JSON${at}`, {
      where: { file: fileName, ...(loc ? { line: loc.line, byte: loc.byte } : {}) },
      hint: loc?.found === "end of file" ? "The file ends early: it was probably cut off while being written or copied; save it again." : FORMAT_HINT,
      cause,
    });
  }
  const profile = importFromSamplingHeapProfile(value, { fileName, sourceText: text });
  if (!profile && named) throw malformed(fileName, "the file is named .heapprofile but has no `head` node with callFrame and selfSize");
  return profile;
}
