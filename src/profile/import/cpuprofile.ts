import { PerfError } from "../../core/errors.js";
import { ProfileBuilder, classifyFrameKind, type FrameInput } from "../builder.js";
import type { FrameKind, Profile } from "../model.js";

/**
 * V8 CPU profiles: Chrome DevTools' `.cpuprofile`, Node's `--cpu-prof`, the inspector's
 * `Profiler.stop` result (`{ profile }` or the profile itself), and the older v8-profiler
 * layout (Node ≤ 10: a nested `head` tree and absolute `timestamps`).
 */
export interface CpuProfileOptions {
  fileName?: string;
}

interface V8Node {
  id: number;
  name: string;
  url: string;
  line: number;
  column: number | undefined;
  children: number[];
  parent: number | undefined;
  hitCount: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

const SPECIAL_KINDS: Record<string, FrameKind> = { "(idle)": "idle", "(garbage collector)": "gc", "(program)": "program" };

function malformed(fileName: string, message: string): PerfError {
  return new PerfError("MALFORMED_INPUT", message, {
    where: { file: fileName },
    hint: "A V8 .cpuprofile needs `nodes` (id, callFrame, children), `samples` (node ids) and `timeDeltas` of the same length; re-export it from DevTools or `node --cpu-prof`.",
  });
}

function readNode(raw: unknown, index: number, fileName: string, nested: boolean): V8Node {
  if (!isObject(raw) || typeof raw.id !== "number") throw malformed(fileName, `Node #${index} has no numeric id`);
  const cf = nested ? raw : raw.callFrame;
  if (!isObject(cf) || typeof cf.functionName !== "string") throw malformed(fileName, `Node id ${raw.id} has no callFrame.functionName`);
  const children = nested ? [] : Array.isArray(raw.children) ? raw.children : [];
  if (!children.every((c) => typeof c === "number")) throw malformed(fileName, `Node id ${raw.id} has non-numeric children`);
  return {
    id: raw.id,
    name: cf.functionName,
    url: typeof cf.url === "string" ? cf.url : "",
    line: typeof cf.lineNumber === "number" ? cf.lineNumber : -1,
    column: typeof cf.columnNumber === "number" ? cf.columnNumber : undefined,
    children: children as number[],
    parent: typeof raw.parent === "number" ? raw.parent : undefined,
    hitCount: typeof raw.hitCount === "number" ? raw.hitCount : 0,
  };
}

/** Flattens the old nested `head` tree (iteratively: real trees are deep). */
function flattenHead(head: Json, fileName: string): V8Node[] {
  const out: V8Node[] = [];
  const work: Array<{ raw: unknown; parent: V8Node | undefined }> = [{ raw: head, parent: undefined }];
  while (work.length > 0) {
    const { raw, parent } = work.pop()!;
    const node = readNode(raw, out.length, fileName, true);
    if (parent) {
      parent.children.push(node.id);
      node.parent = parent.id;
    }
    out.push(node);
    const kids = (raw as Json).children;
    if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) work.push({ raw: kids[i], parent: node });
  }
  return out;
}

function toFrame(n: V8Node): FrameInput {
  const frame: FrameInput = { name: n.name === "" ? "(anonymous)" : n.name };
  if (n.url !== "") frame.file = n.url;
  if (n.line >= 0) frame.line = n.line + 1;
  if (n.column !== undefined && n.column >= 0) frame.column = n.column + 1;
  // V8 marks no kinds; a URL without a line is a native library (e.g. in profiles we exported).
  const guessed = n.url === "" ? "other" : classifyFrameKind(n.name, n.url);
  frame.kind = SPECIAL_KINDS[n.name] ?? (guessed !== "other" ? guessed : n.line >= 0 ? "js" : "native");
  return frame;
}

function median(values: number[]): number {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  return positive.length > 0 ? positive[positive.length >> 1]! : 0;
}

/** Sample start times in microseconds, from `timeDeltas` or old-style `timestamps`. */
function sampleTimes(p: Json, count: number, fileName: string): { times: number[]; next: number | undefined } {
  const start = typeof p.startTime === "number" ? p.startTime : 0;
  if (isNumberArray(p.timeDeltas)) {
    if (p.timeDeltas.length !== count) throw malformed(fileName, `timeDeltas has ${p.timeDeltas.length} entries but samples has ${count}`);
    const times = new Array<number>(count);
    let t = start;
    for (let i = 0; i < count; i++) times[i] = t += p.timeDeltas[i]!;
    return { times, next: undefined };
  }
  if (isNumberArray(p.timestamps)) {
    if (p.timestamps.length < count) throw malformed(fileName, `timestamps has ${p.timestamps.length} entries but samples has ${count}`);
    return { times: p.timestamps.slice(0, count), next: p.timestamps[count] };
  }
  throw malformed(fileName, "The profile has samples but neither timeDeltas nor timestamps");
}

/**
 * Imports a V8 CPU profile. Each sample lasts until the next one; the last one until the
 * profile's end time (or the next timestamp when the file has one), as DevTools shows it.
 * `(root)` is dropped; `(idle)`, `(program)` and `(garbage collector)` keep their own kinds.
 */
export function importFromCpuProfile(input: unknown, options: CpuProfileOptions = {}): Profile | null {
  const fileName = options.fileName ?? "cpuprofile";
  if (!isObject(input)) return null;
  const p = isObject(input.profile) && (Array.isArray(input.profile.nodes) || isObject(input.profile.head)) ? input.profile : input;
  let nodes: V8Node[];
  if (Array.isArray(p.nodes)) nodes = p.nodes.map((n, i) => readNode(n, i, fileName, false));
  else if (isObject(p.head)) nodes = flattenHead(p.head, fileName);
  else return null;
  if (p.samples !== undefined && !isNumberArray(p.samples)) throw malformed(fileName, "`samples` is not an array of node ids");

  const byId = new Map<number, V8Node>();
  for (const n of nodes) byId.set(n.id, n);
  for (const n of nodes) {
    for (const c of n.children) {
      const child = byId.get(c);
      if (!child) throw malformed(fileName, `Node id ${n.id} lists child ${c}, which is not in nodes`);
      child.parent = n.id;
    }
  }
  const builder = new ProfileBuilder("microseconds", { name: options.fileName, collector: "import:cpuprofile" });
  // Parents first: walk from the roots so every node's builder node exists before its children's.
  const nodeOf = new Map<number, number>();
  const work = nodes.filter((n) => n.parent === undefined || !byId.has(n.parent)).reverse();
  while (work.length > 0) {
    const n = work.pop()!;
    const parentNode = n.parent === undefined ? -1 : (nodeOf.get(n.parent) ?? -1);
    const isRoot = parentNode < 0 && n.name === "(root)";
    nodeOf.set(n.id, isRoot ? -1 : builder.childNode(parentNode, builder.internFrame(toFrame(n))));
    for (let i = n.children.length - 1; i >= 0; i--) work.push(byId.get(n.children[i]!)!);
  }

  const samples = p.samples as number[] | undefined;
  if (samples === undefined || samples.length === 0) {
    // No timeline: fall back to hit counts, one unit per hit.
    const profile = buildFromHitCounts(nodes, nodeOf, builder);
    return profile;
  }
  const { times, next } = sampleTimes(p, samples.length, fileName);
  const gaps: number[] = [];
  for (let i = 0; i + 1 < times.length; i++) gaps.push(Math.max(0, times[i + 1]! - times[i]!));
  const last = times[times.length - 1]!;
  const typical = median(gaps);
  const end = typeof p.endTime === "number" ? p.endTime : undefined;
  let lastWeight = typical > 0 ? typical : 1000;
  if (next !== undefined && next >= last) lastWeight = next - last;
  else if (end !== undefined && end >= last && (typical === 0 || end - last <= 10 * typical)) lastWeight = end - last;
  const startTime = typeof p.startTime === "number" ? p.startTime : times[0]!;
  const base = times[0]! - startTime >= 0 && times[0]! - startTime <= 60e6 ? startTime : times[0]!;
  for (let i = 0; i < samples.length; i++) {
    const node = nodeOf.get(samples[i]!);
    if (node === undefined) throw malformed(fileName, `Sample #${i} refers to node id ${samples[i]}, which is not in nodes`);
    builder.addSample(node, i < gaps.length ? gaps[i]! : lastWeight, times[i]! - base);
  }
  const durationUs = last + lastWeight - base;
  builder.setMeta({ durationMs: durationUs / 1000, ...(typical > 0 ? { sampleRateHz: Math.round(1e6 / typical) } : {}) });
  return builder.build();
}

function buildFromHitCounts(nodes: V8Node[], nodeOf: Map<number, number>, builder: ProfileBuilder): Profile {
  for (const n of nodes) if (n.hitCount > 0) builder.addSample(nodeOf.get(n.id) ?? -1, n.hitCount);
  const profile = builder.build();
  profile.unit = "samples";
  return profile;
}
