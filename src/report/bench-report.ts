import type { BenchComparison, BenchRun } from "../bench/model.js";
import type { VersionsResult } from "../bench/run/versions.js";
import {
  formatChange,
  formatNs,
  formatOps,
  formatPValue,
  renderMarkdownTable,
  renderTextTable,
  resultLabel,
  verdictWord,
} from "./bench-format.js";

/** One run: a row per benchmark with its median, interval, spread and warnings. */
export function renderBenchTerminal(run: BenchRun): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of run.results) {
    if (r.state === "errored") {
      rows.push([resultLabel(r), "ERROR", "", "", "", ""]);
      notes.push(`✗ ${resultLabel(r)}: ${r.error.message}${r.error.where ? ` (${r.error.where})` : ""}${r.error.hint ? `\n    ${r.error.hint}` : ""}`);
      continue;
    }
    const s = r.stats;
    rows.push([
      resultLabel(r),
      formatNs(s.median),
      `${formatNs(s.medianCi.low)} … ${formatNs(s.medianCi.high)}`,
      `${(s.cv * 100).toFixed(1)}%`,
      formatOps(s.median),
      `${s.n}/${s.processes}`,
    ]);
    for (const w of s.warnings) notes.push(`! ${resultLabel(r)}: ${w}`);
  }
  const head = `perfscope bench — ${run.suite}${run.label ? ` @ ${run.label}` : ""}${run.git ? ` (${run.git.commit.slice(0, 10)}${run.git.dirty ? ", dirty" : ""})` : ""}${run.partial ? " — PARTIAL (stopped early)" : ""}`;
  const table = renderTextTable(["benchmark", "median", "95% CI", "cv", "ops", "samples/procs"], rows, [false, true, true, true, true, true]);
  return [head, "", table, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}

export function renderBenchMarkdown(run: BenchRun): string {
  const rows = run.results.map((r) =>
    r.state === "errored"
      ? [resultLabel(r), "error", "", "", r.error.message]
      : [resultLabel(r), formatNs(r.stats.median), `${formatNs(r.stats.medianCi.low)} – ${formatNs(r.stats.medianCi.high)}`, `${(r.stats.cv * 100).toFixed(1)}%`, r.stats.warnings.join("; ")],
  );
  return [`### Benchmarks: ${run.suite}${run.label ? ` @ ${run.label}` : ""}`, "", renderMarkdownTable(["benchmark", "median", "95% CI", "cv", "notes"], rows)].join("\n");
}

/** Comparison table; the method behind the verdicts is printed under it, every time. */
export function renderComparisonTerminal(comparisons: BenchComparison[], missing: { name: string; reason: string }[] = [], title = "comparison"): string {
  const rows = comparisons.map((c) => [
    resultLabel(c),
    formatNs(c.baselineMedian),
    formatNs(c.candidateMedian),
    formatChange(c),
    formatPValue(c.pValue),
    verdictWord(c.verdict),
  ]);
  const lines = [title, "", renderTextTable(["benchmark", "baseline", "candidate", "change [95% CI]", "test", "verdict"], rows, [false, true, true, true, true, false])];
  for (const c of comparisons) for (const w of c.warnings) lines.push(`! ${resultLabel(c)}: ${w}`);
  for (const m of missing) lines.push(`- ${m.name}: not compared (${m.reason})`);
  const method = comparisons[0]?.method;
  if (method) lines.push("", `Method: ${method}`);
  return lines.join("\n");
}

export function renderComparisonMarkdown(comparisons: BenchComparison[], missing: { name: string; reason: string }[] = []): string {
  const slower = comparisons.filter((c) => c.verdict === "slower");
  const verdict = slower.length > 0 ? `**${slower.length} regression${slower.length > 1 ? "s" : ""}**: ${slower.map((c) => resultLabel(c)).join(", ")}` : "No regression detected.";
  const rows = comparisons.map((c) => [resultLabel(c), formatNs(c.baselineMedian), formatNs(c.candidateMedian), formatChange(c), formatPValue(c.pValue), verdictWord(c.verdict)]);
  const parts = [verdict, "", renderMarkdownTable(["benchmark", "baseline", "candidate", "change [95% CI]", "test", "verdict"], rows)];
  if (missing.length > 0) parts.push("", ...missing.map((m) => `- ${m.name}: not compared (${m.reason})`));
  if (comparisons[0]) parts.push("", `<sub>${comparisons[0].method}</sub>`);
  return parts.join("\n");
}

export function renderVersionsTerminal(result: VersionsResult): string {
  const lines: string[] = [];
  for (const v of result.versions) {
    if (v.state === "errored") lines.push(`✗ ${v.ref}: ${v.error.message}${v.error.hint ? `\n    ${v.error.hint.split("\n").join("\n    ")}` : ""}`);
    else lines.push(renderBenchTerminal(v.run), "");
  }
  for (const step of result.steps) lines.push(renderComparisonTerminal(step.comparisons, step.missing, `${step.from} → ${step.to}`), "");
  lines.push(
    result.regressions.length > 0
      ? `Regressions: ${result.regressions.map((r) => `${resultLabel(r)} ${r.from} → ${r.to} ${formatChange(r)}`).join("; ")}`
      : "No regression detected between consecutive versions.",
  );
  if (result.partial) lines.push("PARTIAL: stopped before every round ran.");
  return lines.join("\n");
}

/** A short summary (≤ 2 KB) for agents: regressions first, then each benchmark's median. */
export function renderVersionsSummary(result: VersionsResult): string {
  const lines: string[] = [];
  for (const r of result.regressions) lines.push(`REGRESSION ${resultLabel(r)}: ${r.from} → ${r.to} ${formatChange(r)} ${formatPValue(r.pValue)}`);
  for (const v of result.versions) {
    if (v.state === "errored") lines.push(`${v.ref}: ERROR ${v.error.message}`);
    else lines.push(`${v.ref}: ${v.run.results.map((r) => (r.state === "completed" ? `${resultLabel(r)} ${formatNs(r.stats.median)}` : `${resultLabel(r)} error`)).join(", ")}`);
  }
  if (result.regressions.length === 0) lines.push("No regression detected.");
  return lines.join("\n").slice(0, 2000);
}
