import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { compareRuns } from "../../bench/analyze/compare.js";
import { analyzeHistory } from "../../bench/analyze/history-trend.js";
import { collectMachineInfo } from "../../bench/machine.js";
import { readBenchRunFile } from "../../bench/read-run-file.js";
import { readSuiteName } from "../../bench/run/versions.js";
import { ExitCode } from "../../core/errors.js";
import { renderComparisonMarkdown, renderComparisonTerminal } from "../../report/bench-report.js";
import { renderHistoryTerminal } from "../../report/bench-history-report.js";
import { renderJson } from "../../report/profile-report.js";
import { openHistoryStore } from "../../store/history-store.js";
import { reportError, usageError, writeLine, type CliIo } from "../io.js";
import { parseFraction } from "./bench-options.js";

export const loadBenchRunFile = readBenchRunFile;

const COMPARE_HELP = `perfscope bench compare — compare two saved runs

Usage:
  perfscope bench compare <baseline bench-run.json> <candidate bench-run.json> [options]

Options:
  --noise-band <pct>   never call a change smaller than this (default 2%)
  --alpha <p>          significance level (default 0.01)
  --format <f>         terminal (default) | markdown (for a pull-request comment) | json
  --json               same as --format json

Example:
  perfscope bench compare .perfscope/runs/A-bench/bench-run.json .perfscope/runs/B-bench/bench-run.json

Exit codes: 0 no regression · 1 a benchmark got slower · 2 usage · 3 runtime.`;

export async function runBenchCompareCommand(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { "noise-band": { type: "string" }, alpha: { type: "string" }, format: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      writeLine(io.stdout, COMPARE_HELP);
      return ExitCode.ok;
    }
    const format = values.json ? "json" : (values.format ?? "terminal");
    json = format === "json";
    if (positionals.length !== 2) throw usageError("bench compare needs two files: <baseline> <candidate>", "See perfscope bench compare --help.");
    const [baseline, candidate] = await Promise.all(positionals.map((p) => readBenchRunFile(resolve(p))));
    const noiseBand = parseFraction(values["noise-band"], "noise-band");
    const alpha = parseFraction(values.alpha, "alpha");
    const { comparisons, missing } = compareRuns(baseline!, candidate!, { ...(noiseBand !== undefined ? { noiseBand } : {}), ...(alpha !== undefined ? { alpha } : {}) });
    if (format === "json") writeLine(io.stdout, renderJson({ comparisons, missing }));
    else if (format === "markdown") writeLine(io.stdout, renderComparisonMarkdown(comparisons, missing));
    else writeLine(io.stdout, renderComparisonTerminal(comparisons, missing, `${positionals[0]} → ${positionals[1]}`));
    return comparisons.some((c) => c.verdict === "slower") ? ExitCode.thresholdFailed : ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  }
}

const HISTORY_HELP = `perfscope bench history — stored runs, trends and the commits where steps happened

Usage:
  perfscope bench history [options]

Options:
  --suite <name>        suite (default: this package's name)
  -b, --benchmark <n>   only this benchmark (repeatable; default: all in the newest run)
  --all-machines        include runs from other machines (default: this machine only)
  --limit <n>           newest n points per benchmark (default 200)
  --history <path|url>  SQLite file (default .perfscope/history.sqlite) or postgres:// URL
  --json                print as JSON

Change points: E-divisive means with a permutation test over the stored medians, checked
with a Welch t-test between the segments; each names the first commit after the step.

Example:
  perfscope bench history --benchmark "json roundtrip"`;

export async function runBenchHistoryCommand(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        suite: { type: "string" },
        benchmark: { type: "string", short: "b", multiple: true },
        "all-machines": { type: "boolean" },
        limit: { type: "string" },
        history: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      writeLine(io.stdout, HISTORY_HELP);
      return ExitCode.ok;
    }
    json = Boolean(values.json);
    const cwd = process.cwd();
    const suite = values.suite ?? (await readSuiteName(cwd));
    const limit = values.limit ? Number(values.limit) : 200;
    if (!Number.isInteger(limit) || limit < 2) throw usageError(`--limit must be a whole number ≥ 2, got "${values.limit}"`);
    const store = await openHistoryStore(values.history, { cwd });
    try {
      const machineId = values["all-machines"] ? undefined : collectMachineInfo().id;
      const trends = await analyzeHistory(store, { suite, ...(values.benchmark ? { benchmarks: values.benchmark } : {}), ...(machineId ? { machineId } : {}), limit });
      if (json) writeLine(io.stdout, renderJson({ suite, trends }));
      else writeLine(io.stdout, renderHistoryTerminal(suite, trends));
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(io, error, json);
  }
}
