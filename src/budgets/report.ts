/**
 * Budget reports: a markdown table for pull-request comments and a terminal table. Pure
 * functions of the BudgetReport; failures come first, then unchecked budgets, then passes.
 */
import type { BudgetEntryResult, BudgetReport, BudgetStatus } from "./model.js";

const ORDER: Record<BudgetStatus, number> = { fail: 0, "no-data": 1, pass: 2 };

function ordered(report: BudgetReport): BudgetEntryResult[] {
  return [...report.entries].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}

/** "+40.0%" headroom or "−22.0%" over the limit. */
export function formatMargin(margin: number | null): string {
  if (margin === null) return "—";
  const pct = (Math.abs(margin) * 100).toFixed(1);
  return margin < 0 ? `−${pct}%` : `+${pct}%`;
}

/** One line: "2 of 9 budgets failed (6 passed, 1 no data)". */
export function describeBudgetVerdict(report: BudgetReport): string {
  const { total, pass, fail, noData } = report.summary;
  if (fail > 0) return `${fail} of ${total} budget${total === 1 ? "" : "s"} failed (${pass} passed${noData > 0 ? `, ${noData} no data` : ""})`;
  if (noData > 0) return `No budget failed: ${pass} passed, ${noData} not checked (no data)`;
  return `All ${total} budget${total === 1 ? "" : "s"} passed`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const MD_STATUS: Record<BudgetStatus, string> = { fail: "❌ fail", pass: "✅ pass", "no-data": "⚪ no data" };
const MD_VERDICT: Record<BudgetStatus, string> = { fail: "❌", pass: "✅", "no-data": "⚠️" };

export function renderBudgetMarkdown(report: BudgetReport): string {
  const out: string[] = [`${MD_VERDICT[report.verdict]} **Performance budgets: ${describeBudgetVerdict(report)}**`, ""];
  out.push("| Status | Metric | Selector | Actual | Limit | Margin |", "|---|---|---|---:|---|---:|");
  for (const e of ordered(report)) {
    out.push(`| ${MD_STATUS[e.status]} | \`${e.metric}\` | ${cell(e.selector ?? "")} | ${cell(e.actual?.text ?? "—")} | ${cell(e.limit.text)} | ${formatMargin(e.margin)} |`);
  }
  const failed = report.entries.filter((e) => e.status === "fail");
  if (failed.length > 0) {
    out.push("", "**Failed**", "");
    for (const e of failed)
      out.push(`- \`${e.metric}\`${e.selector ? ` ${e.selector}` : ""}${e.description ? ` (${e.description})` : ""}: ${e.actual?.text} against ${e.limit.text}${e.note ? ` — ${e.note}` : ""}`);
  }
  const missing = report.entries.filter((e) => e.status === "no-data");
  if (missing.length > 0) {
    out.push("", "**Not checked (no data)**", "");
    for (const e of missing) out.push(`- \`${e.metric}\`${e.selector ? ` ${e.selector}` : ""}: ${e.note ?? "no measurement"}`);
  }
  const evidence = [...new Set(report.entries.map((e) => e.evidence).filter((x): x is string => x !== null))];
  out.push("", "<sub>Margin: distance to the limit as a share of it (negative = over the limit).");
  if (evidence.length > 0) out.push(`Evidence: ${evidence.map(cell).join(" · ")}.`);
  out.push(`${report.budgetFile ? `Budget file: ${report.budgetFile}. ` : ""}Checked ${report.evaluatedAt} by perfscope check.</sub>`);
  return out.join("\n");
}

const TERM_STATUS: Record<BudgetStatus, string> = { fail: "✗ FAIL", pass: "✓ pass", "no-data": "– no data" };
const paint = (on: boolean, code: number, s: string) => (on ? `\u001b[${code}m${s}\u001b[39m` : s);
const COLOR: Record<BudgetStatus, number> = { fail: 31, pass: 32, "no-data": 33 };

export function renderBudgetTerminal(report: BudgetReport, options: { color?: boolean } = {}): string {
  const color = options.color ?? false;
  const rows = ordered(report).map((e) => ({
    e,
    cols: [TERM_STATUS[e.status], e.metric, e.selector ?? "", e.actual?.text ?? "—", e.limit.text, e.status === "no-data" ? "" : formatMargin(e.margin)],
  }));
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...rows.map((r) => r.cols[i]!.length)));
  const out = [paint(color, COLOR[report.verdict], `Performance budgets: ${describeBudgetVerdict(report)}`)];
  if (report.budgetFile) out.push(`  budget file: ${report.budgetFile}`);
  out.push("");
  for (const { e, cols } of rows) {
    const line = cols.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
    out.push(`  ${paint(color, COLOR[e.status], line)}`);
    // Failures and unchecked budgets say why; passes stay one line.
    if (e.status !== "pass" && e.note) out.push(`      ${e.note}`);
    if (e.status === "fail" && e.evidence) out.push(`      from ${e.evidence}`);
  }
  const evidence = [...new Set(report.entries.filter((e) => e.status === "pass").map((e) => e.evidence).filter((x): x is string => x !== null))];
  if (evidence.length > 0) out.push("", `  passes measured from: ${evidence.join(" · ")}`);
  return out.join("\n");
}
