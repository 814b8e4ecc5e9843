import { truncateText } from "../core/text.js";
import { formatPercent } from "../core/units.js";
import type { Bottleneck, ProfileAnalysis } from "../profile/analyze/analyze-profile.js";
import { formatFrameLocation, formatWeight } from "../profile/format.js";

/** Small formatting helpers shared by the profile reporters. */
export const pct = formatPercent;

export function formatBottleneckWeight(analysis: ProfileAnalysis, weight: number): string {
  return formatWeight(analysis.profile.unit, weight);
}

/** `file:line:col` of a bottleneck; files under `relativeTo` shown relative to it. */
export function formatLocation(b: Pick<Bottleneck, "file" | "line" | "column">, relativeTo?: string): string {
  if (!b.file) return "";
  return formatFrameLocation({ file: b.file, ...(b.line !== null ? { line: b.line } : {}), ...(b.column !== null ? { column: b.column } : {}) }, relativeTo);
}

export const truncate = truncateText;

/** Shortens a path stack for one line: keeps the root and the last frames. */
export function formatPath(stack: readonly string[], maxFrames = 6): string {
  if (stack.length <= maxFrames) return stack.join(" > ");
  return [stack[0], "…", ...stack.slice(stack.length - (maxFrames - 2))].join(" > ");
}

export function splitSummary(split: ProfileAnalysis["split"]): string {
  return Object.entries(split)
    .filter(([, v]) => v >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(" · ");
}
