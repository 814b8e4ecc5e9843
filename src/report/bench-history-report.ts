import type { BenchTrend } from "../bench/analyze/history-trend.js";
import { formatNs, formatPValue, renderTextTable } from "./bench-format.js";

const short = (commit: string | undefined): string => (commit ? commit.slice(0, 10) : "—");

/** History per benchmark: first and latest median, then each step with its commit. */
export function renderHistoryTerminal(suite: string, trends: BenchTrend[]): string {
  if (trends.length === 0) return `No stored runs for suite "${suite}" on this machine. Run perfscope bench to start the history.`;
  const rows = trends.map((t) => [
    t.benchmark,
    String(t.points),
    t.first ? `${formatNs(t.first.median)} @ ${short(t.first.commit)}` : "—",
    t.latest ? `${formatNs(t.latest.median)} @ ${short(t.latest.commit)}` : "—",
    t.note ? "—" : String(t.changePoints.length),
  ]);
  const lines = [`perfscope bench history — ${suite}`, "", renderTextTable(["benchmark", "points", "first", "latest", "steps"], rows, [false, true, true, true, true])];
  for (const t of trends) {
    for (const c of t.changePoints) {
      const sign = c.relativeChange >= 0 ? "+" : "";
      lines.push(
        `${c.relativeChange > 0 ? "▲ slower" : "▼ faster"} ${t.benchmark}: ${sign}${(c.relativeChange * 100).toFixed(1)}% at commit ${short(c.key)}${c.at ? ` (${c.at})` : ""}, after ${short(c.previousKey)}: ${formatNs(c.before.median)} → ${formatNs(c.after.median)} (E-divisive ${formatPValue(c.pValue)}, Welch ${formatPValue(c.welchPValue)})`,
      );
    }
    if (t.note) lines.push(`- ${t.benchmark}: ${t.note}`);
    if (t.errored > 0) lines.push(`- ${t.benchmark}: ${t.errored} stored run(s) errored`);
  }
  lines.push("", "Change points: E-divisive means (energy statistic, permutation test) over stored medians, confirmed by a Welch t-test between segments.");
  return lines.join("\n");
}
