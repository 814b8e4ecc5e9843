import type { CruxComparison, CruxMetricComparison } from "./compare.js";
import { describeCruxDims, formatCruxValue } from "./compare.js";

/** A plain-text terminal table of a CrUX comparison (no colour: the CLI decides that). */
const SOURCE_LABEL: Record<CruxComparison["source"], string> = {
  "crux-api": "CrUX API",
  "crux-history-api": "CrUX History API",
  bigquery: "CrUX BigQuery",
  record: "CrUX",
};

const pct = (share: number | null | undefined): string => (share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`);

function signedPoints(diff: number | null): string {
  if (diff === null) return "—";
  const points = Math.round(diff * 100);
  return `${points > 0 ? "+" : ""}${points} pts`;
}

function row(c: CruxMetricComparison): string[] {
  const own = c.own;
  const crux = c.crux;
  const cruxP75 = crux && crux.p75 !== null ? `${crux.p75Estimated ? "~" : ""}${formatCruxValue(c.metric, crux.p75)}` : "—";
  return [
    c.retired ? `${c.metric} (retired)` : c.metric,
    own ? `${formatCruxValue(c.metric, own.p75)} (n=${own.count})` : "—",
    cruxP75,
    c.p75Ratio === null ? "—" : `${c.p75Ratio.toFixed(2)}×`,
    own ? own.rating : "—",
    crux?.rating ?? "—",
    `${pct(own?.good)} / ${pct(crux?.good)}`,
    signedPoints(c.goodShareDifference),
  ];
}

function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function renderCruxComparison(result: CruxComparison): string {
  const key = result.key;
  const period = result.period ? ` · ${result.period.firstDate} – ${result.period.lastDate}` : "";
  const lines = [`Your RUM vs ${SOURCE_LABEL[result.source]} field data: ${key.url ?? key.origin ?? "?"} · ${describeCruxDims(key)}${period}`, ""];
  if (result.metrics.length === 0) {
    lines.push("No metrics on either side.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(...formatTable(["Metric", "Your p75", "CrUX p75", "Ratio", "Your rating", "CrUX rating", "Good you/CrUX", "Δ good"], result.metrics.map(row)));
  lines.push("");
  for (const m of result.metrics) lines.push(`- ${m.sentence}`);
  if (result.metrics.some((m) => m.crux?.p75Estimated)) lines.push("", "~ CrUX p75 interpolated from histogram bins (BigQuery raw tables carry no percentiles).");
  return `${lines.join("\n")}\n`;
}
