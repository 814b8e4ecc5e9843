import { formatBytes } from "../core/units.js";
import type { LeakVerdict, MemorySeries, MemoryStats } from "../memory/model.js";
import { renderTextTable } from "./bench-format.js";

const mb = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : formatBytes(n));

/** One process's memory: /proc figures, the V8 heap by space, and GC activity. */
export function renderMemoryStatsTerminal(stats: MemoryStats): string {
  const p = stats.proc;
  const lines = [
    `perfscope mem — pid ${stats.pid}${stats.command ? ` (${stats.command})` : ""}`,
    "",
    `RSS ${mb(p.rss)} · PSS ${mb(p.pss)} · USS ${mb(p.uss)} · swap ${mb(p.swap)} · peak RSS ${mb(p.rssPeak)}`,
  ];
  if (stats.v8) {
    const v = stats.v8;
    lines.push(`V8 heap ${mb(v.heapUsed)} used of ${mb(v.heapTotal)} (limit ${mb(v.heapLimit)}) · external ${mb(v.external)} · array buffers ${mb(v.arrayBuffers)}`, "");
    const rows = [...v.spaces].sort((a, b) => b.used - a.used).map((s) => [s.name, mb(s.used), mb(s.size), mb(s.available)]);
    if (rows.length > 0) lines.push(renderTextTable(["space", "used", "size", "available"], rows, [false, true, true, true]));
  }
  if (stats.gc) {
    const kinds = Object.entries(stats.gc.byKind)
      .map(([k, g]) => `${k} ${g.count}× ${g.pauseMs.toFixed(1)} ms`)
      .join(", ");
    lines.push("", `GC: ${stats.gc.count} collections, ${stats.gc.pauseMs.toFixed(1)} ms paused${kinds ? ` (${kinds})` : ""}`);
  }
  for (const n of stats.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

function formatSlope(bytesPerMinute: number): string {
  return `${bytesPerMinute >= 0 ? "+" : "−"}${formatBytes(Math.abs(bytesPerMinute))}/min`;
}

export function describeLeakVerdict(v: LeakVerdict): string {
  const head = v.state === "leak" ? "LEAK" : v.state === "no-leak" ? "no leak" : "not enough data";
  const perRequest = v.perRequest !== null ? `, ${v.perRequest >= 0 ? "+" : "−"}${formatBytes(Math.abs(v.perRequest))} per request` : "";
  return `${head}: ${formatSlope(v.slopePerMinute)} [95% CI ${formatSlope(v.slopeCi.low)} … ${formatSlope(v.slopeCi.high)}]${perRequest} over ${(v.durationMs / 1000).toFixed(0)} s, ${v.points} points of ${v.basis}; Mann–Kendall p=${v.mannKendall.pValue < 0.001 ? "<0.001" : v.mannKendall.pValue.toFixed(3)}. ${v.reason}`;
}

/** A watched series: first and last figures, the sparkline of RSS and heap, and the verdict. */
export function renderMemorySeriesTerminal(series: MemorySeries, verdict: LeakVerdict | null): string {
  const first = series.samples[0];
  const last = series.samples[series.samples.length - 1];
  const lines = [`perfscope mem watch — pid ${series.pid}${series.command ? ` (${series.command})` : ""}: ${series.samples.length} samples over ${((series.endedAt - series.startedAt) / 1000).toFixed(0)} s`];
  if (first && last) {
    lines.push(`RSS ${mb(first.rss)} → ${mb(last.rss)}   ${sparkline(series.samples.map((s) => s.rss))}`);
    if (first.heapUsed !== null && last.heapUsed !== null) lines.push(`heap ${mb(first.heapUsed)} → ${mb(last.heapUsed)}   ${sparkline(series.samples.map((s) => s.heapUsed ?? 0))}`);
  }
  if (series.load) lines.push(`load: ${series.load.requests} requests to ${series.load.target} (${series.load.throughput.toFixed(0)} req/s)`);
  if (series.ended) lines.push(`the process ended during the watch (${new Date(series.ended.at).toISOString()}): ${series.ended.reason}`);
  if (verdict) lines.push("", describeLeakVerdict(verdict));
  for (const n of series.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

const BARS = "▁▂▃▄▅▆▇█";

export function sparkline(values: number[], width = 40): string {
  if (values.length === 0) return "";
  const step = Math.max(1, Math.ceil(values.length / width));
  const points: number[] = [];
  for (let i = 0; i < values.length; i += step) points.push(Math.max(...values.slice(i, i + step)));
  const min = Math.min(...points);
  const max = Math.max(...points);
  return points.map((v) => BARS[max === min ? 0 : Math.round(((v - min) / (max - min)) * (BARS.length - 1))]).join("");
}
