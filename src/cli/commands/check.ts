import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadBudgetFile, DEFAULT_BUDGET_FILE } from "../../budgets/budget-file.js";
import { evaluateBudgets, exitCodeForBudgetReport } from "../../budgets/evaluate.js";
import { METRICS } from "../../budgets/metrics.js";
import type { BudgetFile } from "../../budgets/model.js";
import { renderBudgetMarkdown, renderBudgetTerminal } from "../../budgets/report.js";
import { findLatestResults, loadResultsFrom } from "../../budgets/results.js";
import { ExitCode } from "../../core/errors.js";
import { reportError, usageError, writeLine, type CliIo } from "../io.js";

export const CHECK_HELP = `perfscope check — check performance budgets against the latest results

Usage:
  perfscope check [options]

Reads the budget file and checks each budget against the newest results under
.perfscope/runs/ (bench-run.json with its comparisons.json, load-result.json), or the
results you name. bundle.size budgets measure the matching files now.

Options:
  --budget <file>          the budget file (default ${DEFAULT_BUDGET_FILE})
  --results <path>         a result file, a run folder, a folder of runs or a project;
                           repeatable (default: newest runs under .perfscope/runs/)
  --format <kind>          terminal (default) | markdown (for a pull-request comment) | json
  --json                   same as --format json
  --strict                 budgets with no data fail too (default: a warning)
  --cwd <dir>              the project folder (default: the current folder)
  -h, --help               this help

Metrics:
${METRICS.map((m) => `  ${m.id.padEnd(18)} ${m.unit.padEnd(8)} ${m.selector ? `needs "${m.selector}"` : ""}`.trimEnd()).join("\n")}

Examples:
  perfscope check
  perfscope check --budget ci/perfscope.budget.json --format markdown > budget-comment.md
  perfscope check --results .perfscope/runs/2026-01-02T10-00-00-000Z-load --strict
  perfscope check --results bench-run.json --results load-result.json --json

Exit codes: 0 all budgets pass (or have no data) · 1 a budget failed (or had no data, with
--strict) · 2 usage or invalid budget file · 3 runtime error (e.g. a corrupt result file).
See docs/budgets.md.`;

type Format = "terminal" | "markdown" | "json";

export async function runCheckCommand(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        budget: { type: "string" },
        results: { type: "string", multiple: true },
        format: { type: "string" },
        json: { type: "boolean" },
        strict: { type: "boolean" },
        cwd: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      writeLine(io.stdout, CHECK_HELP);
      return ExitCode.ok;
    }
    if (positionals.length > 0) throw usageError(`Unexpected argument "${positionals[0]}".`, "Name the budget file with --budget and results with --results.");
    const format: Format = values.json ? "json" : parseFormat(values.format);
    json = format === "json";
    const cwd = resolve(values.cwd ?? process.cwd());
    let budget: BudgetFile;
    try {
      budget = await loadBudgetFile(values.budget ?? DEFAULT_BUDGET_FILE, cwd);
    } catch (error) {
      // Whatever is wrong with the budget file (missing, bad JSON, bad content) is the user's to fix: exit 2.
      reportError(io, error, json);
      return ExitCode.usage;
    }
    const results = values.results && values.results.length > 0 ? await loadResultsFrom(values.results, cwd) : await findLatestResults(cwd);
    const report = evaluateBudgets(budget, results);
    if (format === "json") writeLine(io.stdout, JSON.stringify(report, null, 2));
    else if (format === "markdown") writeLine(io.stdout, renderBudgetMarkdown(report));
    else writeLine(io.stdout, renderBudgetTerminal(report, { color: Boolean(io.stdout.isTTY) }));
    const strict = values.strict ?? false;
    const unchecked = report.entries.filter((e) => e.status === "no-data");
    if (unchecked.length > 0) {
      writeLine(io.stderr, `perfscope: ${strict ? "error" : "warning"}: ${unchecked.length} budget${unchecked.length === 1 ? "" : "s"} not checked (no data)${strict ? ", counted as failures (--strict)" : ""}:`);
      for (const e of unchecked) writeLine(io.stderr, `  ${e.metric}${e.selector ? ` ${e.selector}` : ""}: ${e.note ?? "no measurement"}`);
    }
    return exitCodeForBudgetReport(report, { strict });
  } catch (error) {
    return reportError(io, error, json);
  }
}

function parseFormat(raw: string | undefined): Format {
  if (raw === undefined) return "terminal";
  if (raw === "terminal" || raw === "markdown" || raw === "json") return raw;
  throw usageError(`Unknown --format "${raw}".`, "Use terminal, markdown or json.");
}
