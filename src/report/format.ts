import type { Bottleneck, ProfileAnalysis } from "../profile/analyze/analyze-profile.js";

/** Small formatting helpers shared by the reporters. */
export function pct(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatWeight(analysis: ProfileAnalysis, weight: number, ms: number | null): string {
  if (ms !== null) return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms < 10 ? 2 : 1)}ms`;
  return `${Math.round(weight)} ${analysis.profile.unit}`;
}

/** `file:line:col`; files under `relativeTo` are shown relative to it, as editors link them. */
export function formatLocation(b: Pick<Bottleneck, "file" | "line" | "column">, relativeTo?: string): string {
  if (!b.file) return "";
  const prefix = relativeTo ? (relativeTo.endsWith("/") ? relativeTo : `${relativeTo}/`) : null;
  const file = prefix && b.file.startsWith(prefix) ? b.file.slice(prefix.length) : b.file;
  return b.line !== null ? `${file}:${b.line}${b.column !== null ? `:${b.column}` : ""}` : file;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

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
