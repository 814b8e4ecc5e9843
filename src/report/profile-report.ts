import type { ProfileAnalysis } from "../profile/analyze/analyze-profile.js";
import { formatBottleneckWeight, formatLocation, formatPath, pct, splitSummary, truncate } from "./format.js";

/** Files a run wrote, shown at the end of every report. */
export type ReportFiles = Record<string, string>;

export interface ReportOptions {
  files?: ReportFiles;
  /** Number of bottlenecks to show (default 10). */
  top?: number;
  color?: boolean;
  width?: number;
  /** Show source files under this folder relative to it (the CLI passes its working directory). */
  relativeTo?: string;
}

const bold = (on: boolean, s: string) => (on ? `\u001b[1m${s}\u001b[22m` : s);
const dim = (on: boolean, s: string) => (on ? `\u001b[2m${s}\u001b[22m` : s);
const SEVERITY_MARK: Record<string, string> = { critical: "‼", high: "!", medium: "•", low: "·", info: "i" };

function describeProfileLine(a: ProfileAnalysis): string {
  const p = a.profile;
  const parts = [
    p.target ?? p.name ?? "profile",
    `${p.samples} samples`,
    p.totalMs !== null ? `${formatBottleneckWeight(a, p.totalWeight)} sampled` : `${p.totalWeight} ${p.unit}`,
  ];
  if (p.sampleRateHz) parts.push(`${p.sampleRateHz} Hz`);
  if (p.collector) parts.push(p.collector);
  return parts.join(" · ");
}

/** The terminal report: the bottlenecks first, then paths, findings and files. */
export function renderProfileTerminal(a: ProfileAnalysis, options: ReportOptions = {}): string {
  const color = options.color ?? false;
  const width = options.width ?? 100;
  const top = options.top ?? 10;
  const lines: string[] = [];
  // A bytes-weighted profile (allocations) reads as allocation, not time.
  const bytes = a.profile.unit === "bytes";
  lines.push(bold(color, `${bytes ? "Allocation profile" : "CPU profile"}: ${describeProfileLine(a)}`));
  if (a.profile.partial) lines.push(`  partial: ${a.profile.partial}`);
  lines.push(`  ${bytes ? "bytes by kind" : "time split"}: ${splitSummary(a.split)}`);
  lines.push("");
  lines.push(bold(color, `Top ${Math.min(top, a.bottlenecks.length)} ${bytes ? "allocation sites (self bytes, share of all bytes" : "bottlenecks (self time, share of busy time"}, 95% CI):`));
  for (const b of a.bottlenecks.slice(0, top)) {
    const share = `${pct(b.selfShare).padStart(6)} [${pct(b.selfShareCi[0], 0)}–${pct(b.selfShareCi[1], 0)}]`;
    const self = formatBottleneckWeight(a, b.self).padStart(9);
    const loc = formatLocation(b, options.relativeTo);
    const head = `  ${String(b.rank).padStart(2)}. ${share} ${self}  ${b.function}`;
    lines.push(truncate(loc ? `${head}  ${dim(color, loc)}` : head, width + (color ? 8 : 0)));
  }
  if (a.heaviestPaths.length > 0) {
    lines.push("");
    lines.push(bold(color, "Heaviest stacks:"));
    for (const p of a.heaviestPaths.slice(0, 5)) lines.push(truncate(`  ${pct(p.share).padStart(6)}  ${formatPath(p.stack)}`, width));
  }
  const ok = a.findings.filter((f) => f.status === "ok");
  const errors = a.findings.filter((f) => f.status === "error");
  if (ok.length > 0) {
    lines.push("");
    lines.push(bold(color, "Findings:"));
    for (const f of ok) {
      if (f.status !== "ok") continue;
      lines.push(`  ${SEVERITY_MARK[f.severity] ?? "-"} [${f.severity}] ${f.title}`);
      lines.push(`      → ${f.suggestion}`);
    }
  }
  for (const f of errors) if (f.status === "error") lines.push(`  analyzer ${f.id} failed: ${f.error}`);
  if (options.files && Object.keys(options.files).length > 0) {
    lines.push("");
    lines.push(bold(color, "Files:"));
    for (const [k, v] of Object.entries(options.files)) lines.push(`  ${k.padEnd(14)} ${v}`);
  }
  return lines.join("\n");
}

function escapeMd(s: string): string {
  return s.replace(/[|`*_<>[\]]/g, (c) => `\\${c}`);
}

/** Markdown for a pull-request comment or a saved report. */
export function renderProfileMarkdown(a: ProfileAnalysis, options: ReportOptions = {}): string {
  const top = options.top ?? 10;
  const out: string[] = [];
  out.push(`## ${a.profile.unit === "bytes" ? "Allocation profile" : "CPU profile"}: ${escapeMd(a.profile.target ?? a.profile.name ?? "profile")}`);
  out.push("");
  out.push(`${describeProfileLine(a)}  `);
  out.push(`Time split: ${splitSummary(a.split)}`);
  if (a.profile.partial) out.push(`\n> Partial profile: ${escapeMd(a.profile.partial)}`);
  out.push("");
  out.push("| # | function | self | share (95% CI) | total share | location |");
  out.push("|---|---|---|---|---|---|");
  for (const b of a.bottlenecks.slice(0, top)) {
    out.push(
      `| ${b.rank} | \`${b.function.replace(/`/g, "'").replace(/\|/g, "\\|")}\` | ${formatBottleneckWeight(a, b.self)} | ${pct(b.selfShare)} (${pct(b.selfShareCi[0])}–${pct(b.selfShareCi[1])}) | ${pct(b.totalShare)} | ${escapeMd(formatLocation(b))} |`,
    );
  }
  const ok = a.findings.filter((f) => f.status === "ok");
  if (ok.length > 0) {
    out.push("");
    out.push("### Findings");
    for (const f of ok) if (f.status === "ok") out.push(`- **${f.severity}** ${escapeMd(f.title)}: ${escapeMd(f.suggestion)}`);
  }
  if (options.files) {
    out.push("");
    out.push("### Files");
    for (const [k, v] of Object.entries(options.files)) out.push(`- ${k}: \`${v}\``);
  }
  return out.join("\n") + "\n";
}

/** A compact text of the top bottlenecks, for MCP tool summaries (kept under a couple of KB). */
export function renderProfileSummary(a: ProfileAnalysis, top = 5): string {
  const lines = [`${describeProfileLine(a)}; split: ${splitSummary(a.split)}`, `Top ${Math.min(top, a.bottlenecks.length)} bottlenecks (self share of busy time):`];
  for (const b of a.bottlenecks.slice(0, top)) {
    const loc = formatLocation(b);
    lines.push(`${b.rank}. ${b.function} ${pct(b.selfShare)} (${formatBottleneckWeight(a, b.self)})${loc ? ` at ${loc}` : ""}`);
  }
  const first = a.findings.find((f) => f.status === "ok");
  if (first && first.status === "ok") lines.push(`Main finding: ${first.title}. ${first.suggestion}`);
  return lines.join("\n");
}

export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
