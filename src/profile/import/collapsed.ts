import { ProfileBuilder, classifyFrameKind, type FrameInput } from "../builder.js";
import type { Profile } from "../model.js";

export interface CollapsedOptions {
  fileName?: string;
  /** Sum weights per distinct stack instead of keeping lines in file order. */
  aggregate?: boolean;
}

/** FlameGraph's frame annotations: `_[k]` kernel, `_[j]` JIT/JS, `_[i]` inlined, `_[w]` waker. */
const ANNOTATIONS: Record<string, FrameInput["kind"]> = { "_[k]": "kernel", "_[j]": "js", "_[i]": undefined, "_[w]": undefined };

/** Reads one folded frame: the name, an optional ` (file:line[:col])`, an optional annotation. */
export function parseCollapsedFrame(text: string): FrameInput {
  let name = text;
  let kind: FrameInput["kind"];
  const tail = name.slice(-4);
  if (tail in ANNOTATIONS && name.length > 4) {
    kind = ANNOTATIONS[tail];
    name = name.slice(0, -4);
  }
  // An empty frame (`a;;b`) has no name to show: call it what V8 calls nameless functions.
  const frame: FrameInput = { name: name === "" ? "(anonymous)" : name };
  const loc = / \(([^()]*?):(\d+)(?::(\d+))?\)$/.exec(name);
  if (loc && loc[1]) {
    frame.name = name.slice(0, loc.index);
    frame.file = loc[1];
    frame.line = Number(loc[2]);
    if (loc[3] !== undefined) frame.column = Number(loc[3]);
  }
  frame.kind = kind ?? classifyFrameKind(frame.name, frame.file);
  return frame;
}

/** `a;b;c 12` → [stack, 12], or null for a comment, blank or invalid line. */
function parseCollapsedLine(raw: string): [string, number] | null {
  const line = raw.trim();
  if (line === "" || line.startsWith("#") || line.startsWith("//")) return null;
  const space = line.lastIndexOf(" ");
  if (space <= 0) return null;
  const countText = line.slice(space + 1);
  if (!/^\d+(?:\.\d+)?$/.test(countText)) return null;
  const stack = line.slice(0, space).trimEnd();
  return stack === "" ? null : [stack, Number(countText)];
}

/**
 * Imports folded stacks (`a;b;c 12` per line). Comments and invalid lines are skipped, but
 * text with no valid line at all is not this format: null. Unit "samples"; lines keep their
 * order, so a folded file written in time order still reads as a timeline.
 */
export function importFromCollapsed(text: string, options: CollapsedOptions = {}): Profile | null {
  const builder = new ProfileBuilder("samples", { name: options.fileName, collector: "import:collapsed" }, { aggregate: options.aggregate ?? false });
  const frameIds = new Map<string, number>();
  let valid = 0;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const parsed = parseCollapsedLine(text.slice(pos, nl));
    pos = nl + 1;
    if (!parsed) continue;
    valid++;
    let node = -1;
    for (const part of parsed[0].split(";")) {
      let id = frameIds.get(part);
      if (id === undefined) {
        id = builder.internFrame(parseCollapsedFrame(part));
        frameIds.set(part, id);
      }
      node = builder.childNode(node, id);
    }
    builder.addSample(node, parsed[1]);
  }
  return valid === 0 ? null : builder.build();
}
