/**
 * Renders a RUM report for people: per metric the p75 and its rating, the good /
 * needs-improvement / poor shares, percentiles, groups, the slowest routes, what the
 * metric was most often about, and the daily trend with its regression verdict. Pure.
 */
import { RUM_THRESHOLDS, type RumMetric } from "../web/rum/model.js";
import type { RumMetricReport, RumReport, RumStats } from "../web/rum/query/rum-report.js";

export function formatRumValue(metric: RumMetric, value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (RUM_THRESHOLDS[metric].unit === "score") return value.toFixed(value < 1 ? 3 : 2);
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

const pct = (share: number): string => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;

function describeShares(stats: RumStats): string {
  const d = stats.distribution;
  return `good ${pct(d.good)} · needs improvement ${pct(d.needsImprovement)} · poor ${pct(d.poor)}`;
}

function padTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => "  " + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}

function renderMetric(m: RumMetricReport): string[] {
  const t = RUM_THRESHOLDS[m.metric];
  const lines: string[] = [];
  const rating = m.rating ? m.rating.replace("-", " ") : "no data";
  lines.push(`${m.metric}  p75 ${formatRumValue(m.metric, m.p75)}  ${rating.toUpperCase()}  (${m.count.toLocaleString("en-US")} values; good ≤ ${formatRumValue(m.metric, t.good)}, poor > ${formatRumValue(m.metric, t.poor)})`);
  if (m.count === 0) return lines;
  lines.push(`  ${describeShares(m)}`);
  lines.push(`  ${Object.entries(m.percentiles).map(([k, v]) => `${k} ${formatRumValue(m.metric, v)}`).join(" · ")}`);
  if (m.groups && m.groups.length > 0) {
    lines.push("", "  by group:");
    const rows = [["group", "count", "p75", "rating", "good", "poor"]];
    for (const g of m.groups) rows.push([g.key, g.count.toLocaleString("en-US"), formatRumValue(m.metric, g.p75), g.rating ?? "—", pct(g.distribution.good), pct(g.distribution.poor)]);
    lines.push(...padTable(rows));
  }
  if (m.slowestRoutes.routes.length > 0) {
    lines.push("", `  slowest routes (p75, routes with ≥ ${m.slowestRoutes.minCount} values):`);
    const rows = [["route", "count", "p75", "rating", "poor"]];
    for (const r of m.slowestRoutes.routes) rows.push([r.route, r.count.toLocaleString("en-US"), formatRumValue(m.metric, r.p75), r.rating, pct(r.poorShare)]);
    lines.push(...padTable(rows));
  }
  const targets = m.topAttribution?.targets ?? [];
  if (targets.length > 0) {
    const about = m.metric === "LCP" ? "LCP elements" : m.metric === "INP" ? "INP targets" : "largest layout shifts";
    lines.push("", `  most common ${about}${m.topAttribution!.complete ? "" : ` (latest ${m.topAttribution!.examined.toLocaleString("en-US")} values)`}:`);
    const rows = [["element", "count", "share", "median"]];
    for (const a of targets.slice(0, 5)) rows.push([a.target, a.count.toLocaleString("en-US"), pct(a.share), formatRumValue(m.metric, a.median)]);
    lines.push(...padTable(rows));
  }
  if (m.trend.length > 1) lines.push("", `  daily p75: ${m.trend.map((d) => `${d.day.slice(5)} ${formatRumValue(m.metric, d.p75)}`).join(" · ")}`);
  const r = m.regression;
  if (r.detected) {
    const change = r.relativeChange !== undefined && r.relativeChange !== null ? ` (+${(r.relativeChange * 100).toFixed(0)}%)` : "";
    lines.push(`  REGRESSION on ${r.day}: p75 ${formatRumValue(m.metric, r.p75)} vs ${formatRumValue(m.metric, r.baselineP75)} before${change}. ${r.method}`);
  } else if (r.notTested) lines.push(`  trend: ${r.notTested}`);
  else lines.push(`  trend: no significant p75 regression on the latest day (${r.method})`);
  return lines;
}

export function renderRumReportTerminal(report: RumReport): string {
  const metrics = Object.values(report.metrics);
  const filters = Object.entries(report.filters).map(([k, v]) => `${k}=${v}`);
  const head = `RUM ${report.timeRange.from} → ${report.timeRange.to}${filters.length ? ` · ${filters.join(" ")}` : ""}${report.groupBy ? ` · by ${report.groupBy}` : ""}`;
  const body = metrics.map((m) => renderMetric(m).join("\n"));
  const empty = metrics.every((m) => m.count === 0) ? ["", "No beacons in this range. Is `perfscope rum serve` running and is the snippet on the page? (`perfscope rum snippet`)"] : [];
  const samples = report.samples ? [`${report.samples.length.toLocaleString("en-US")} page views sampled (in --json output)`] : [];
  return [head, "", body.join("\n\n"), ...empty, ...(samples.length ? ["", ...samples] : [])].join("\n");
}

/** True when any metric's p75 got significantly worse on the latest day. */
export function hasRumRegression(report: RumReport): boolean {
  return Object.values(report.metrics).some((m) => m.regression.detected);
}
