import { formatPercent } from "../../core/units.js";
import { displayFile, formatWeight } from "../../profile/format.js";
import { totalWeight, type Profile } from "../../profile/model.js";

/** One allocation site: a function and the bytes allocated while it was the site. */
export interface AllocationSite {
  function: string;
  file: string | null;
  /** 1-based line where the function is defined. */
  line: number | null;
  bytes: number;
  /** Fraction (0–1) of all sampled bytes. */
  share: number;
}

/** Code of the program itself: a script that is not one of Node's own `node:` modules. */
function isProgramCode(file: string | undefined): boolean {
  return file !== undefined && file !== "" && !file.startsWith("node:");
}

/**
 * The functions that allocate most, by self bytes. Bytes allocated inside builtins without a
 * script (String.prototype.join, Array.prototype.push, JSON.parse) or inside Node's own
 * modules (Buffer, fs) are charged to the nearest caller in the program's code: that is the
 * code a developer can change. With no such caller (Node's start-up), the nearest frame with
 * a script is the site, else the frame itself. The flame graph keeps every frame visible.
 */
export function listTopAllocationSites(profile: Profile, limit = 10): AllocationSite[] {
  const { frame: frameOf, parent } = profile.stacks;
  // Parents precede children in the stack table, so one forward pass resolves every site.
  const programSite = new Int32Array(frameOf.length);
  const scriptSite = new Int32Array(frameOf.length);
  const siteFrame = new Int32Array(frameOf.length);
  for (let n = 0; n < frameOf.length; n++) {
    const f = frameOf[n]!;
    const p = parent[n]!;
    const file = profile.frames[f]?.file;
    programSite[n] = isProgramCode(file) ? f : p >= 0 ? programSite[p]! : -1;
    scriptSite[n] = file ? f : p >= 0 ? scriptSite[p]! : -1;
    siteFrame[n] = programSite[n]! >= 0 ? programSite[n]! : scriptSite[n]! >= 0 ? scriptSite[n]! : f;
  }
  const bytes = new Float64Array(profile.frames.length);
  const { stack, weight } = profile.samples;
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    if (node >= 0) bytes[siteFrame[node]!]! += weight[i]!;
  }
  const total = totalWeight(profile);
  const sites: AllocationSite[] = [];
  bytes.forEach((b, f) => {
    if (b <= 0) return;
    const frame = profile.frames[f]!;
    sites.push({ function: frame.name, file: displayFile(frame.file), line: frame.line ?? null, bytes: b, share: total > 0 ? b / total : 0 });
  });
  sites.sort((a, b) => b.bytes - a.bytes);
  return sites.slice(0, Math.max(0, limit));
}

/** "makeBigStrings 4.0 MB (81.2%) app.js:12" lines for summaries. */
export function describeAllocationSites(sites: readonly AllocationSite[]): string[] {
  return sites.map((s) => {
    const where = s.file ? ` ${s.file}${s.line !== null ? `:${s.line}` : ""}` : "";
    return `${s.function} ${formatWeight("bytes", s.bytes)} (${formatPercent(s.share)})${where}`;
  });
}
