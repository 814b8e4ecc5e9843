import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { computeCallTree } from "../../analyze/call-tree.js";
import type { Profile } from "../../model.js";

/**
 * Reads speedscope's Jest snapshots (the conformance oracle in shared/fixtures) so tests
 * compare against the expected values as written there, never against copied numbers.
 */
export const FIXTURES = resolveFixtures();

/**
 * The speedscope fixtures: `$PERFSCOPE_FIXTURES`, else `shared/` beside the repository (where
 * CI lays it). Missing fixtures are an error, never a silent skip: the conformance suite is
 * the oracle for the importers.
 */
function resolveFixtures(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
  const dir = process.env.PERFSCOPE_FIXTURES ?? path.resolve(repo, "../shared/fixtures/speedscope");
  if (!existsSync(path.join(dir, "snapshots"))) {
    throw new Error(`speedscope fixtures not found at ${dir}: put shared/ beside the repository, or set PERFSCOPE_FIXTURES to its fixtures/speedscope folder`);
  }
  return dir;
}

export interface SnapshotFrame {
  name: string;
  file: string | undefined;
  line: number | undefined;
  col: number | undefined;
  selfWeight: number;
  totalWeight: number;
}

export interface SnapshotStack {
  names: string[];
  /** The weight as displayed, converted to microseconds for time units. */
  weight: number;
  /** Half a unit of the displayed last digit, in the same unit as `weight`. */
  tolerance: number;
  /** "raw" for unitless weights, "time" for µs/ms/s. */
  kind: "raw" | "time";
}

export interface SnapshotProfile {
  entry: string;
  name: string;
  frames: SnapshotFrame[];
  stacks: SnapshotStack[];
}

function parseValue(text: string): string | number | undefined {
  const t = text.trim().replace(/,$/, "");
  if (t === "undefined") return undefined;
  if (t.startsWith('"')) return JSON.parse(t) as string;
  return Number(t);
}

const TIME_FACTORS: Record<string, number> = { "µs": 1, ms: 1000, s: 1e6 };

export function parseStackLine(line: string): SnapshotStack {
  const space = line.lastIndexOf(" ");
  const names = line.slice(0, space) === "" ? [] : line.slice(0, space).split(";");
  const shown = line.slice(space + 1);
  const m = /^(-?\d+(?:\.(\d+))?)(µs|ms|s)?$/.exec(shown);
  if (!m) throw new Error(`Unreadable snapshot weight "${shown}"`);
  const digits = m[2]?.length ?? 0;
  const factor = m[3] ? TIME_FACTORS[m[3]]! : 1;
  return { names, weight: Number(m[1]) * factor, tolerance: 0.5 * 10 ** -digits * factor, kind: m[3] ? "time" : "raw" };
}

/** All `{ frames, name, stacks }` entries of a .snap file, keyed by their test name. */
export function readSnapshotFile(file: string): Map<string, SnapshotProfile> {
  const text = readFileSync(path.join(FIXTURES, "snapshots", file), "utf8");
  const out = new Map<string, SnapshotProfile>();
  const entryRe = /^exports\[`(.+?)`\] = `\n([\s\S]*?)\n`;$/gm;
  for (let m = entryRe.exec(text); m; m = entryRe.exec(text)) {
    const body = m[2]!;
    if (!body.startsWith("{\n  \"frames\"")) continue;
    const frames: SnapshotFrame[] = [];
    for (const block of body.split("Frame {").slice(1)) {
      const fields = new Map<string, string | number | undefined>();
      const own = block.split(/\n\s*\},?\n/)[0]!;
      for (const fm of own.matchAll(/^\s+"(\w+)": (.*)$/gm)) fields.set(fm[1]!, parseValue(fm[2]!));
      frames.push({
        name: String(fields.get("name")),
        file: fields.get("file") as string | undefined,
        line: fields.get("line") as number | undefined,
        col: fields.get("col") as number | undefined,
        selfWeight: fields.get("selfWeight") as number,
        totalWeight: fields.get("totalWeight") as number,
      });
    }
    const name = JSON.parse(/^ {2}"name": (".*"),$/m.exec(body)![1]!) as string;
    const stacksText = /"stacks": \[\n([\s\S]*?)\n {2}\]/.exec(body);
    const stacks = stacksText ? stacksText[1]!.split("\n").map((l) => parseStackLine(JSON.parse(l.trim().replace(/,$/, "")) as string)) : [];
    out.set(m[1]!, { entry: m[1]!, name, frames, stacks });
  }
  return out;
}

/** Our profile walked like the snapshot's `stacks`: samples in order, identical neighbours merged. */
export function walkStacks(profile: Profile, nameOf: (frame: number) => string): Array<{ names: string[]; weight: number }> {
  const out: Array<{ names: string[]; weight: number; key: string }> = [];
  const { stack, weight } = profile.samples;
  for (let i = 0; i < stack.length; i++) {
    const w = weight[i]!;
    if (w === 0) continue;
    const names: string[] = [];
    for (let n = stack[i]!; n >= 0; n = profile.stacks.parent[n]!) names.push(nameOf(profile.stacks.frame[n]!));
    names.reverse();
    const key = names.join(";");
    const prev = out[out.length - 1];
    if (prev && prev.key === key) prev.weight += w;
    else out.push({ names, weight: w, key });
  }
  return out.map(({ names, weight: w }) => ({ names, weight: w }));
}

/** Per-frame self and total weight; a frame that recurses counts once in its total. */
export function frameWeights(profile: Profile): { self: number[]; total: number[] } {
  const tree = computeCallTree(profile);
  const self = new Array<number>(profile.frames.length).fill(0);
  const total = new Array<number>(profile.frames.length).fill(0);
  const { frame, parent } = profile.stacks;
  for (let n = 0; n < frame.length; n++) {
    const f = frame[n]!;
    self[f]! += tree.self[n]!;
    let recursive = false;
    for (let p = parent[n]!; p >= 0; p = parent[p]!) if (frame[p] === f) recursive = true;
    if (!recursive) total[f]! += tree.total[n]!;
  }
  return { self, total };
}
