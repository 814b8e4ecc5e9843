import type { Frame, Profile } from "../model.js";

/**
 * Collapsed ("folded") stacks, Brendan Gregg's FlameGraph input: one `root;…;leaf weight`
 * line per distinct stack. Kernel frames get FlameGraph's `_[k]` suffix so its colouring
 * works, and JavaScript frames keep their location as ` (file:line:col)` so two functions of
 * the same name stay apart; our collapsed importer reads both back.
 */
export function formatCollapsedFrame(frame: Frame): string {
  // ';' separates frames and a newline ends the line: neither may appear inside a name.
  let text = frame.name.replace(/;/g, ":").replace(/[\r\n]/g, " ");
  if (frame.kind === "kernel") return `${text}_[k]`;
  if (frame.kind === "js" && frame.file !== undefined) {
    text += ` (${frame.file.replace(/;/g, ":")}`;
    if (frame.line !== undefined) text += `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}`;
    text += ")";
  }
  return text;
}

/** Sums sample weights per distinct stack, keyed by the folded text. Empty stacks are skipped. */
export function foldProfileStacks(profile: Profile): Map<string, number> {
  const { frame, parent } = profile.stacks;
  const frameText = profile.frames.map(formatCollapsedFrame);
  // Each node's text extends its parent's: V8 shares the prefix (rope strings), so this stays cheap.
  const nodeText: Array<string | undefined> = new Array(frame.length);
  const textOf = (node: number): string => {
    let cached = nodeText[node];
    if (cached !== undefined) return cached;
    const chain: number[] = [];
    let n = node;
    while (n >= 0 && nodeText[n] === undefined) {
      chain.push(n);
      n = parent[n] ?? -1;
    }
    let prefix = n >= 0 ? nodeText[n]! : "";
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      prefix = prefix === "" ? frameText[frame[c]!]! : `${prefix};${frameText[frame[c]!]!}`;
      nodeText[c] = prefix;
    }
    cached = prefix;
    return cached;
  };
  const out = new Map<string, number>();
  const { stack, weight } = profile.samples;
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    if (node < 0) continue;
    const key = textOf(node);
    out.set(key, (out.get(key) ?? 0) + weight[i]!);
  }
  return out;
}

/** The profile as collapsed-stack text, one line per distinct stack, sorted like FlameGraph's. */
export function exportToCollapsed(profile: Profile): string {
  const folded = [...foldProfileStacks(profile)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return folded.map(([stack, w]) => `${stack} ${formatWeight(w)}\n`).join("");
}

function formatWeight(w: number): string {
  // Integers stay integers; fractional time weights keep enough digits to round-trip.
  return Number.isInteger(w) ? String(w) : String(Math.round(w * 1000) / 1000);
}
