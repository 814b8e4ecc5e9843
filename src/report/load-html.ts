/**
 * One self-contained HTML page for a load run: the summary table and inline SVG charts of
 * the per-second timeline (throughput with errors; p50/p95/p99). No scripts, no network:
 * the page opens from a CI artifact or an air-gapped machine.
 */
import { errorBreakdown } from "../load/analyze/findings.js";
import type { LoadResult, TimelinePoint } from "../load/model.js";
import { describeLoadModel, formatMs, formatThresholdActual } from "./load-format.js";

const W = 760;
const H = 220;
const PAD = { left: 56, right: 16, top: 26, bottom: 32 };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
}

/** A "nice" round axis maximum at or above `v`. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * mag) return m * mag;
  return 10 * mag;
}

/** A line chart over seconds; null values break the line (a second with no completions). */
export function renderLineChartSvg(title: string, seconds: number[], series: Series[], unit: string): string {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const x0 = seconds[0] ?? 0;
  const span = Math.max(1, (seconds[seconds.length - 1] ?? 0) - x0);
  const px = (s: number) => PAD.left + ((s - x0) / span) * (W - PAD.left - PAD.right);
  const py = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<title>${escapeHtml(title)}</title>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeHtml(`${+v.toPrecision(3)}`)}</text>`);
  }
  parts.push(`<text x="${PAD.left}" y="12" font-size="11" font-weight="bold">${escapeHtml(unit)}</text>`);
  const tickEvery = Math.max(1, Math.ceil(span / 10));
  for (const s of seconds) {
    if ((s - x0) % tickEvery !== 0) continue;
    parts.push(`<text x="${px(s).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${s}s</text>`);
  }
  for (const s of series) {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (v === null) segments.push([]);
      else segments[segments.length - 1]!.push(`${px(seconds[i]!).toFixed(1)},${py(v).toFixed(1)}`);
    });
    for (const seg of segments) {
      if (seg.length === 1) parts.push(`<circle cx="${seg[0]!.split(",")[0]}" cy="${seg[0]!.split(",")[1]}" r="2" fill="${s.color}"/>`);
      else if (seg.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${seg.join(" ")}"><title>${escapeHtml(s.name)}</title></polyline>`);
    }
  }
  series.forEach((s, i) => {
    const x = PAD.left + 10 + i * 120;
    parts.push(`<rect x="${x}" y="${H - 12}" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="${H - 3}" font-size="11">${escapeHtml(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

function timelineCharts(timeline: TimelinePoint[]): string {
  if (timeline.length === 0) return "<p>No per-second timeline was recorded.</p>";
  const seconds = timeline.map((p) => p.second);
  const throughput = renderLineChartSvg(
    "Throughput per second",
    seconds,
    [
      { name: "completed/s", color: "#1f77b4", values: timeline.map((p) => p.completed) },
      { name: "errors/s", color: "#d62728", values: timeline.map((p) => p.errors) },
    ],
    "req/s",
  );
  const latency = renderLineChartSvg(
    "Latency percentiles per second",
    seconds,
    [
      { name: "p50", color: "#2ca02c", values: timeline.map((p) => p.p50) },
      { name: "p95", color: "#ff7f0e", values: timeline.map((p) => p.p95) },
      { name: "p99", color: "#9467bd", values: timeline.map((p) => p.p99) },
    ],
    "ms",
  );
  return `<h2>Throughput</h2>${throughput}<h2>Latency</h2>${latency}`;
}

/** The whole page. */
export function renderLoadHtml(r: LoadResult): string {
  const l = r.latency;
  const u = r.latencyUncorrected;
  const cells = (s: typeof l) => [s.p50, s.p90, s.p95, s.p99, s.p999, s.max].map((v) => `<td>${s.count > 0 ? escapeHtml(formatMs(v)) : "-"}</td>`).join("");
  const rows = [`<tr><th>${r.model.kind === "open" ? "corrected" : "measured"}</th>${cells(l)}</tr>`];
  if (r.model.kind === "open") rows.push(`<tr><th>from send time</th>${cells(u)}</tr>`);
  const errors = errorBreakdown(r).map((b) => `${escapeHtml(b.kind)} ${b.count}`).join(" · ") || "none";
  const codes = Object.entries(r.statusCodes).map(([c, n]) => `${escapeHtml(c)} ×${n}`).join(" · ") || "none";
  const thresholds = r.thresholds.map((t) => `<li class="${t.ok ? "ok" : "fail"}">${t.ok ? "✓" : "✗"} <code>${escapeHtml(t.expression)}</code> — ${escapeHtml(formatThresholdActual(t))}</li>`).join("");
  const warning = r.generator.saturated
    ? `<p class="warn">⚠ The load generator saturated${r.generator.reason ? `: ${escapeHtml(r.generator.reason)}` : ""}. These numbers describe the generator, not the server.</p>`
    : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Load test: ${escapeHtml(r.target)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}th:first-child{text-align:left}.warn,.fail{color:#b00}.ok{color:#070}ul{list-style:none;padding-left:0}svg{display:block;margin-bottom:16px}</style>
</head><body>
<h1>Load test: ${escapeHtml(r.target)}</h1>
<p>${escapeHtml(describeLoadModel(r))} · ${(r.durationMs / 1000).toFixed(1)} s · started ${escapeHtml(r.startedAt)}${r.partial ? ` · <span class="warn">partial: ${escapeHtml(r.partial.reason)}</span>` : ""}</p>
${warning}
<p><b>${r.throughput.toFixed(1)} req/s</b> · ${r.requests.completed} completed · ${r.requests.errors} errors (${errors}) · status ${codes}${r.model.kind === "open" ? ` · late sends ${r.lateSends}, dropped ${r.droppedSends}` : ""}</p>
<table><tr><th>latency</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>${rows.join("")}</table>
${thresholds ? `<h2>Thresholds</h2><ul>${thresholds}</ul>` : ""}
${timelineCharts(r.timeline)}
</body></html>
`;
}
