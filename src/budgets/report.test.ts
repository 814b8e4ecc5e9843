import { describe, expect, it } from "vitest";
import { buildLoadResult } from "../load/analyze/test-helpers/load-result.js";
import { parseBudgetText } from "./budget-file.js";
import { evaluateBudgets } from "./evaluate.js";
import { renderBudgetMarkdown, renderBudgetTerminal } from "./report.js";

const file = parseBudgetText(
  JSON.stringify({
    budgets: [
      { metric: "load.p95", max: "150ms" },
      { metric: "load.errorRate", max: "1%" },
      { metric: "web.lcp", page: "/", max: "2.5s" },
    ],
  }),
  "/project/perfscope.budget.json",
);
const load = buildLoadResult({ latency: { p50: 50, p95: 180, p99: 400 }, completed: 1000, errors: { reset: 5 } });
const report = evaluateBudgets(file, { cwd: "/project", load, sources: { load: "/project/.perfscope/runs/r-load/load-result.json" } });

describe("renderBudgetMarkdown", () => {
  const md = renderBudgetMarkdown(report);
  const rows = md.split("\n").filter((l) => l.startsWith("| "));

  it("starts with a one-line verdict", () => {
    expect(md.split("\n")[0]).toBe("❌ **Performance budgets: 1 of 3 budgets failed (1 passed, 1 no data)**");
  });

  it("has the failing row first, with actual, limit and a negative margin", () => {
    expect(rows[0]).toBe("| Status | Metric | Selector | Actual | Limit | Margin |");
    expect(rows[1]).toBe("| ❌ fail | `load.p95` |  | 180ms | ≤ 150ms | −20.0% |");
    expect(rows).toContain("| ✅ pass | `load.errorRate` |  | 0.5% | ≤ 1% | +50.0% |");
  });

  it("lists no-data budgets with the reason, and the evidence", () => {
    expect(md).toMatch(/\*\*Not checked \(no data\)\*\*\n\n- `web\.lcp` page "\/": no field data/);
    expect(md).toContain(".perfscope/runs/r-load/load-result.json");
  });

  it("escapes pipes in cells", () => {
    const piped = evaluateBudgets(parseBudgetText(JSON.stringify({ budgets: [{ metric: "bench.median", benchmark: "a|b", max: "1ms" }] })), { cwd: "/" });
    expect(renderBudgetMarkdown(piped)).toContain('benchmark "a\\|b"');
  });
});

describe("renderBudgetTerminal", () => {
  it("puts the verdict on top and explains failures and no-data rows", () => {
    const text = renderBudgetTerminal(report);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Performance budgets: 1 of 3 budgets failed (1 passed, 1 no data)");
    const failLine = lines.findIndex((l) => l.includes("✗ FAIL"));
    expect(lines[failLine]).toMatch(/load\.p95\s+180ms\s+≤ 150ms\s+−20\.0%/);
    expect(lines[failLine + 1]).toContain("from .perfscope/runs/r-load/load-result.json");
    expect(text).toMatch(/– no data\s+web\.lcp\s+page "\/"/);
    expect(text).not.toContain("\u001b[");
    expect(renderBudgetTerminal(report, { color: true })).toContain("\u001b[31m");
  });

  it("says all passed when they did", () => {
    const ok = evaluateBudgets(parseBudgetText(JSON.stringify({ budgets: [{ metric: "load.p95", max: "1s" }] })), { cwd: "/", load });
    expect(renderBudgetTerminal(ok).split("\n")[0]).toBe("Performance budgets: All 1 budget passed");
    expect(renderBudgetMarkdown(ok).split("\n")[0]).toBe("✅ **Performance budgets: All 1 budget passed**");
  });
});
