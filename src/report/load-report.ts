/**
 * Reporters for a load run and a breaking-point search: terminal, markdown and a short
 * summary for MCP. Pure functions of the result; the HTML page lives in load-html.ts.
 */
import type { Finding } from "../core/finding.js";
import { truncateText } from "../core/text.js";
import { formatBytes } from "../core/units.js";
import type { BreakingPointResult } from "../load/analyze/breaking-point.js";
import { errorBreakdown } from "../load/analyze/findings.js";
import type { LatencySummary, LoadResult } from "../load/model.js";
import { describeLoadModel, formatMs, formatThresholdActual, num, pct, renderLatencyDistribution } from "./load-format.js";

export { renderLoadHtml } from "./load-html.js";
export { describeLoadModel, formatThresholdActual } from "./load-format.js";

export interface LoadReportOptions {
  /** Files the run wrote, listed at the end. */
  files?: Record<string, string>;
  /** Findings from analyzeLoadResult, shown after the numbers. */
  findings?: Finding[];
  color?: boolean;
}

const bold = (on: boolean, s: string) => (on ? `\u001b[1m${s}\u001b[22m` : s);
const red = (on: boolean, s: string) => (on ? `\u001b[31m${s}\u001b[39m` : s);
const green = (on: boolean, s: string) => (on ? `\u001b[32m${s}\u001b[39m` : s);
const PERCENTILES: Array<[string, keyof LatencySummary]> = [["p50", "p50"], ["p90", "p90"], ["p95", "p95"], ["p99", "p99"], ["p99.9", "p999"], ["max", "max"], ["mean", "mean"]];

function errorKinds(r: LoadResult): string {
  return errorBreakdown(r)
    .map((b) => `${b.kind} ${b.count}`)
    .join(" · ");
}

function statusCodes(r: LoadResult): string {
  return Object.entries(r.statusCodes)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ×${n}`)
    .join(" · ");
}

function generatorWarning(r: LoadResult): string | null {
  if (!r.generator.saturated) return null;
  return `Load generator saturated (CPU ${pct(r.generator.cpu, 0)}, event-loop lag p99 ${formatMs(r.generator.eventLoopLagP99Ms)})${r.generator.reason ? `: ${r.generator.reason}` : ""}. These numbers describe the generator, not the server.`;
}

function requestLine(r: LoadResult): string {
  const q = r.requests;
  return `${q.sent} sent, ${q.completed} completed (${q.ok} ok, ${q.errors} errors, ${pct(q.ok + q.errors > 0 ? q.errors / (q.ok + q.errors) : 0)}) · ${num(r.throughput)} req/s · in ${formatBytes(r.bytes.in)} / out ${formatBytes(r.bytes.out)}`;
}

/** The terminal report of one run. */
export function renderLoadTerminal(r: LoadResult, options: LoadReportOptions = {}): string {
  const c = options.color ?? false;
  const out: string[] = [];
  out.push(bold(c, `Load test: ${r.target} · ${describeLoadModel(r)} · ${(r.durationMs / 1000).toFixed(1)} s`));
  out.push(`  requests: ${requestLine(r)}`);
  if (r.partial) out.push(red(c, `  partial run: ${r.partial.reason}`));
  const warning = generatorWarning(r);
  if (warning) out.push(red(c, `  ⚠ ${warning}`));
  out.push("");
  out.push(bold(c, `Latency          ${PERCENTILES.map(([n]) => n.padStart(9)).join("")}`));
  const row = (label: string, s: LatencySummary) => `  ${label.padEnd(15)}${PERCENTILES.map(([, k]) => (s.count > 0 ? formatMs(s[k] as number) : "-").padStart(9)).join("")}`;
  out.push(row(r.model.kind === "open" ? "corrected" : "measured", r.latency));
  if (r.model.kind === "open") out.push(row("from send time", r.latencyUncorrected));
  if (r.model.kind === "open") out.push("  (corrected = from each request's intended send time; the second row is what a closed-loop tool reports)");
  out.push("");
  out.push(bold(c, "Latency distribution:"));
  out.push(...renderLatencyDistribution(r.histogram, r.latency));
  out.push("");
  out.push(`Status codes: ${statusCodes(r) || "none"}`);
  const kinds = errorKinds(r);
  if (kinds) out.push(red(c, `Errors by kind: ${kinds}`));
  if (r.model.kind === "open") out.push(`Sends: ${r.lateSends} late (> 1 ms after their intended time), ${r.droppedSends} dropped`);
  if (r.thresholds.length > 0) {
    out.push("");
    out.push(bold(c, "Thresholds:"));
    for (const t of r.thresholds) out.push(`  ${t.ok ? green(c, "✓") : red(c, "✗")} ${t.expression.padEnd(16)} actual ${formatThresholdActual(t)}`);
  }
  const findings = (options.findings ?? []).filter((f) => f.status === "ok");
  if (findings.length > 0) {
    out.push("");
    out.push(bold(c, "Findings:"));
    for (const f of findings) if (f.status === "ok") out.push(`  [${f.severity}] ${f.title}`, `      → ${f.suggestion}`);
  }
  if (options.files && Object.keys(options.files).length > 0) {
    out.push("");
    out.push(bold(c, "Files:"));
    for (const [k, v] of Object.entries(options.files)) out.push(`  ${k.padEnd(14)} ${v}`);
  }
  return out.join("\n");
}

function escapeMd(s: string): string {
  return s.replace(/[|`*_<>[\]\\]/g, (ch) => `\\${ch}`);
}

/** Markdown for a pull request or a saved report. */
export function renderLoadMarkdown(r: LoadResult, options: LoadReportOptions = {}): string {
  const out: string[] = [];
  out.push(`## Load test: ${escapeMd(r.target)}`, "");
  out.push(`${escapeMd(describeLoadModel(r))} · ${(r.durationMs / 1000).toFixed(1)} s  `);
  out.push(`Requests: ${escapeMd(requestLine(r))}`);
  if (r.partial) out.push("", `> Partial run: ${escapeMd(r.partial.reason)}`);
  const warning = generatorWarning(r);
  if (warning) out.push("", `> **Warning:** ${escapeMd(warning)}`);
  out.push("", `| latency | ${PERCENTILES.map(([n]) => n).join(" | ")} |`, `|---|${PERCENTILES.map(() => "---:").join("|")}|`);
  const row = (label: string, s: LatencySummary) => `| ${label} | ${PERCENTILES.map(([, k]) => (s.count > 0 ? formatMs(s[k] as number) : "-")).join(" | ")} |`;
  out.push(row(r.model.kind === "open" ? "corrected" : "measured", r.latency));
  if (r.model.kind === "open") out.push(row("from send time", r.latencyUncorrected));
  out.push("", `Status codes: ${statusCodes(r) || "none"}  `);
  if (errorKinds(r)) out.push(`Errors by kind: ${errorKinds(r)}  `);
  if (r.model.kind === "open") out.push(`Late sends: ${r.lateSends} · dropped: ${r.droppedSends}`);
  if (r.thresholds.length > 0) {
    out.push("", "| threshold | result | actual |", "|---|---|---|");
    for (const t of r.thresholds) out.push(`| \`${t.expression.replace(/`/g, "'")}\` | ${t.ok ? "✓ pass" : "✗ fail"} | ${formatThresholdActual(t)} |`);
  }
  const findings = (options.findings ?? []).filter((f) => f.status === "ok");
  if (findings.length > 0) {
    out.push("", "### Findings");
    for (const f of findings) if (f.status === "ok") out.push(`- **${f.severity}** ${escapeMd(f.title)}: ${escapeMd(f.suggestion)}`);
  }
  if (options.files) {
    out.push("", "### Files");
    for (const [k, v] of Object.entries(options.files)) out.push(`- ${k}: \`${v}\``);
  }
  return out.join("\n") + "\n";
}

/** MCP summaries stay within 2 KB of UTF-8. */
const SUMMARY_BYTES = 2048;

function capBytes(text: string): string {
  let out = text;
  let chars = Math.min(out.length, SUMMARY_BYTES);
  while (Buffer.byteLength(out, "utf8") > SUMMARY_BYTES) out = truncateText(text, (chars = Math.floor(chars * 0.9)));
  return out;
}

/** A short text for MCP tool results (at most 2 KB). */
export function renderLoadSummary(r: LoadResult, findings: Finding[] = []): string {
  const l = r.latency;
  const lines = [
    `${r.target}: ${describeLoadModel(r)}, ${(r.durationMs / 1000).toFixed(1)} s${r.partial ? ` (partial: ${r.partial.reason})` : ""}`,
    `Throughput ${num(r.throughput)} req/s; ${r.requests.completed} completed, ${r.requests.errors} errors${errorKinds(r) ? ` (${errorKinds(r)})` : ""}`,
    `Latency${r.model.kind === "open" ? " (corrected)" : ""}: p50 ${formatMs(l.p50)}, p95 ${formatMs(l.p95)}, p99 ${formatMs(l.p99)}, p99.9 ${formatMs(l.p999)}, max ${formatMs(l.max)}`,
  ];
  if (r.model.kind === "open") lines.push(`From send time: p99 ${formatMs(r.latencyUncorrected.p99)}; late sends ${r.lateSends}, dropped ${r.droppedSends}`);
  const warning = generatorWarning(r);
  if (warning) lines.push(`WARNING: ${warning}`);
  if (r.thresholds.length > 0) lines.push(`Thresholds: ${r.thresholds.map((t) => `${t.ok ? "pass" : "FAIL"} ${t.expression} (${formatThresholdActual(t)})`).join("; ")}`);
  for (const f of findings.slice(0, 3)) if (f.status === "ok") lines.push(`Finding [${f.severity}]: ${f.title}`);
  return capBytes(lines.join("\n"));
}

const ms1 = (n: number) => formatMs(n);

/** The terminal table of a breaking-point search, with the verdict and its evidence. */
export function renderBreakingPointTerminal(bp: BreakingPointResult, options: { color?: boolean } = {}): string {
  const c = options.color ?? false;
  const out = [bold(c, "Breaking-point search"), `  ${"level".padStart(8)} ${"req/s".padStart(10)} ${"p50".padStart(9)} ${"p95".padStart(9)} ${"p99".padStart(9)} ${"errors".padStart(8)}  verdict`];
  for (const l of bp.levels) {
    const verdict = l.verdict === "ok" ? green(c, "ok") : red(c, "DEGRADED");
    out.push(`  ${String(l.level).padStart(8)} ${num(l.throughput).padStart(10)} ${ms1(l.p50).padStart(9)} ${ms1(l.p95).padStart(9)} ${ms1(l.p99).padStart(9)} ${pct(l.errorRate, 1).padStart(8)}  ${verdict}`);
  }
  out.push("");
  out.push(bold(c, renderBreakingPointVerdict(bp)));
  if (bp.reason) out.push(`  why: ${bp.reason}`);
  if (bp.stopped) out.push(`  stopped: ${bp.stopped}`);
  return out.join("\n");
}

function renderBreakingPointVerdict(bp: BreakingPointResult): string {
  if (bp.breakingLevel === null) return bp.stopped ? "No verdict: the search stopped early." : `No breaking point up to level ${bp.lastGoodLevel ?? "-"}.`;
  return `Breaking point: level ${bp.breakingLevel}${bp.lastGoodLevel !== null ? ` (last good level ${bp.lastGoodLevel})` : " (the first level already degraded)"}`;
}

/** A short text of the search for MCP (at most 2 KB). */
export function renderBreakingPointSummary(bp: BreakingPointResult): string {
  const lines = [renderBreakingPointVerdict(bp)];
  if (bp.reason) lines.push(`Why: ${bp.reason}`);
  for (const l of bp.levels) lines.push(`level ${l.level}: ${num(l.throughput)} req/s, p95 ${ms1(l.p95)}, p99 ${ms1(l.p99)}, errors ${pct(l.errorRate, 1)} → ${l.verdict}`);
  if (bp.stopped) lines.push(`Stopped: ${bp.stopped}`);
  return capBytes(lines.join("\n"));
}
