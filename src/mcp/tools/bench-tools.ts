import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { PerfError } from "../../core/errors.js";
import { parseDuration } from "../../core/units.js";
import { compareRuns } from "../../bench/analyze/compare.js";
import { analyzeHistory } from "../../bench/analyze/history-trend.js";
import { benchmark, listBenchmarkSummaries } from "../../bench/benchmark.js";
import { collectMachineInfo } from "../../bench/machine.js";
import { readBenchRunFile } from "../../bench/read-run-file.js";
import { benchmarkVersions, readSuiteName } from "../../bench/run/versions.js";
import { saveBenchRun } from "../../bench/save-run.js";
import { loadBudgetFile } from "../../budgets/budget-file.js";
import { evaluateBudgets, exitCodeForBudgetReport } from "../../budgets/evaluate.js";
import { renderBudgetMarkdown } from "../../budgets/report.js";
import { findLatestResults } from "../../budgets/results.js";
import { formatNs } from "../../report/bench-format.js";
import { renderComparisonMarkdown, renderVersionsSummary } from "../../report/bench-report.js";
import { openHistoryStore } from "../../store/history-store.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "./context.js";

const timing = {
  processes: z.number().int().min(1).max(50).optional().describe("Fresh processes per benchmark (default 5; ≥3 for a per-process test)"),
  time: z.union([z.number().positive().max(60_000), z.string()]).optional().describe("Measuring time per process, ms or '300ms' (default 300ms)"),
  warmup: z.union([z.number().positive().max(60_000), z.string()]).optional().describe("Warm-up per process (default 100ms)"),
};

const loose = z.object({}).passthrough();

function toMs(value: number | string, name: string): number {
  const ms = typeof value === "number" ? value : parseDuration(value);
  if (ms === null || !(ms > 0)) throw new PerfError("USAGE", `${name} must be a positive duration, got ${JSON.stringify(value)}`, { hint: 'e.g. 200 or "200ms"' });
  return ms;
}
const comparisonShape = z.object({ benchmark: z.string(), ratio: z.number(), verdict: z.enum(["faster", "slower", "no-change"]) }).passthrough();

const annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/** One line per benchmark: median with its interval and spread, or the error. */
function summarizeReport(report: Awaited<ReturnType<typeof benchmark>>): string {
  const lines = listBenchmarkSummaries(report).map(
    ([name, s]) => `${name}: median ${formatNs(s.median)} [95% CI ${formatNs(s.ci95[0])}–${formatNs(s.ci95[1])}], p95 ${formatNs(s.p95)}, cv ${(s.cv * 100).toFixed(1)}%, ${s.samples} samples / ${s.processes} processes${s.fitToCompare ? "" : ` — ${s.warnings[0] ?? "unfit to compare"}`}`,
  );
  for (const e of report.errors) lines.push(`${e.name}: ERROR ${e.error.message}${e.error.where ? ` (${e.error.where})` : ""}`);
  return lines.join("\n");
}

export function registerBenchTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "benchmark",
    {
      title: "Benchmark functions (*.bench.ts) of the project or of one git version",
      description:
        "Runs bench('name', fn) benchmarks from *.bench.ts files in fresh processes (warm-up, calibrated batches) and returns per benchmark the median, mean, p95, CV and a bootstrap 95% CI, in ns per operation. `version` checks a git ref out in its own worktree and builds it first. The run is saved (linked) and stored in the history.",
      inputSchema: {
        version: z.string().optional().describe("git ref (tag, branch, commit); omitted = the working tree"),
        tests: z.array(z.string()).optional().describe("benchmark names (default: all)"),
        paths: z.array(z.string()).optional().describe("bench files or folders, relative to the server root"),
        ...timing,
        out: z.string().optional().describe("Run folder name under .perfscope/runs/"),
      },
      outputSchema: {
        benchmarks: z.record(z.object({ median: z.number(), mean: z.number(), p95: z.number(), cv: z.number() }).passthrough()),
        errors: z.array(z.object({ name: z.string(), error: loose })),
        file: z.string(),
      },
      annotations,
    },
    async (args, extra) => {
      try {
        const report = await benchmark({
          cwd: context.root,
          ...(args.version ? { version: args.version } : {}),
          ...(args.tests ? { tests: args.tests } : {}),
          ...(args.paths ? { paths: args.paths.map((p) => context.resolvePath(p)) } : {}),
          ...(args.processes ? { processes: args.processes } : {}),
          ...(args.time !== undefined ? { time: args.time } : {}),
          ...(args.warmup !== undefined ? { warmup: args.warmup } : {}),
          ...(args.out ? { out: context.runDir("bench", args.out) } : {}),
          signal: extra.signal,
        });
        return buildToolResult(summarizeReport(report), { run: report.outputFile }, { benchmarks: Object.fromEntries(listBenchmarkSummaries(report)), errors: report.errors, file: report.outputFile });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "benchmark_versions",
    {
      title: "Compare git versions and name regressions",
      description:
        "Checks each git ref out in its own worktree, builds it, runs the chosen benchmarks with the versions taking turns batch by batch inside fresh processes (cancelling machine drift), and reports per benchmark between consecutive versions the ratio with its 95% CI, a paired t-test p-value and a verdict (slower / faster / no-change, never inside the ±2% noise band). A ref that does not exist or fails to build is named; the others are still compared.",
      inputSchema: {
        versions: z.array(z.string()).min(2).max(20).describe("git refs in order, e.g. ['v1.0.0','v1.1.0','HEAD']; '.' = working tree"),
        tests: z.array(z.string()).optional(),
        paths: z.array(z.string()).optional(),
        build: z.union([z.string(), z.literal(false)]).optional().describe("install/build command per version; false = none (default: npm ci + npm run build when present)"),
        ...timing,
      },
      outputSchema: {
        regressions: z.array(z.object({ benchmark: z.string(), from: z.string(), to: z.string(), ratio: z.number() }).passthrough()),
        steps: z.array(z.object({ from: z.string(), to: z.string(), comparisons: z.array(comparisonShape), missing: z.array(loose) })),
        errors: z.array(z.object({ ref: z.string(), message: z.string() })),
        method: z.string().nullable(),
      },
      annotations,
    },
    async (args, extra) => {
      try {
        const result = await benchmarkVersions({
          cwd: context.root,
          versions: args.versions,
          ...(args.tests ? { filter: args.tests } : {}),
          ...(args.paths ? { paths: args.paths.map((p) => context.resolvePath(p)) } : {}),
          ...(args.build !== undefined ? { build: args.build } : {}),
          ...(args.processes ? { processes: args.processes } : {}),
          ...(args.time !== undefined ? { timeMs: toMs(args.time, "time") } : {}),
          ...(args.warmup !== undefined ? { warmupMs: toMs(args.warmup, "warmup") } : {}),
          signal: extra.signal,
        });
        const files: Record<string, string> = {};
        for (const v of result.versions) {
          if (v.state !== "completed") continue;
          const step = result.steps.find((s) => s.to === v.ref);
          const saved = await saveBenchRun(v.run, { cwd: context.root, out: context.runDir(`bench-${v.ref.replace(/[^\w.-]+/g, "_")}`), ...(step ? { comparisons: step.comparisons } : {}) });
          files[v.ref] = saved.files.run;
        }
        return buildToolResult(renderVersionsSummary(result), files, {
          regressions: result.regressions.map((r) => ({ benchmark: r.name, from: r.from, to: r.to, ratio: r.ratio, ratioCi: r.ratioCi, pValue: r.pValue })),
          steps: result.steps.map((s) => ({ from: s.from, to: s.to, comparisons: s.comparisons.map((c) => ({ benchmark: c.name, ratio: c.ratio, ratioCi: c.ratioCi, pValue: c.pValue, verdict: c.verdict })), missing: s.missing })),
          errors: result.versions.filter((v) => v.state === "errored").map((v) => ({ ref: v.ref, message: v.state === "errored" ? v.error.message : "" })),
          method: result.steps[0]?.comparisons[0]?.method ?? null,
        });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "bench_compare",
    {
      title: "Compare two saved benchmark runs",
      description: "Compares two bench-run.json files benchmark by benchmark: ratio of medians with a 95% CI, significance test, verdict, and the method in words.",
      inputSchema: { baseline: z.string(), candidate: z.string() },
      outputSchema: { comparisons: z.array(comparisonShape), missing: z.array(loose) },
      annotations: { ...annotations, readOnlyHint: true, idempotentHint: true },
    },
    async (args) => {
      try {
        const [base, cand] = await Promise.all([readBenchRunFile(context.resolvePath(args.baseline)), readBenchRunFile(context.resolvePath(args.candidate))]);
        const { comparisons, missing } = compareRuns(base, cand);
        return buildToolResult(renderComparisonMarkdown(comparisons, missing), {}, { comparisons: comparisons.map((c) => ({ benchmark: c.name, ratio: c.ratio, ratioCi: c.ratioCi, pValue: c.pValue, verdict: c.verdict })), missing });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "bench_history",
    {
      title: "Benchmark history and change points",
      description: "Reads the stored history of a suite on this machine and finds the commits where a benchmark's median stepped (E-divisive means with a permutation test, confirmed by Welch's t-test).",
      // The store is the server's own (.perfscope/history.sqlite under the root): an agent does not pick files or database hosts.
      inputSchema: { suite: z.string().optional(), benchmarks: z.array(z.string()).optional(), limit: z.number().int().min(10).max(2000).optional().describe("newest points per benchmark (default 200)") },
      outputSchema: { suite: z.string(), trends: z.array(z.object({ benchmark: z.string(), points: z.number(), changePoints: z.array(loose) })) },
      annotations: { ...annotations, readOnlyHint: true, idempotentHint: true },
    },
    async (args) => {
      try {
        const suite = args.suite ?? (await readSuiteName(context.root));
        const store = await openHistoryStore(undefined, { cwd: context.root });
        try {
          const trends = await analyzeHistory(store, { suite, machineId: collectMachineInfo().id, limit: args.limit ?? 200, ...(args.benchmarks ? { benchmarks: args.benchmarks } : {}) });
          const text = trends
            .map((t) => `${t.benchmark}: ${t.points} points${t.latest ? `, latest ${formatNs(t.latest.median)}` : ""}${t.changePoints.map((c) => `; step ${(c.relativeChange * 100).toFixed(1)}% at ${c.key.slice(0, 10)} (p=${c.pValue.toFixed(3)})`).join("")}${t.note ? ` (${t.note})` : ""}`)
            .join("\n");
          return buildToolResult(text || `no stored runs for suite ${suite}`, {}, { suite, trends: trends.map((t) => ({ benchmark: t.benchmark, points: t.points, changePoints: t.changePoints.map((c) => ({ commit: c.key, relativeChange: c.relativeChange, pValue: c.pValue })) })) });
        } finally {
          await store.close();
        }
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "check_budgets",
    {
      title: "Check performance budgets",
      description: "Evaluates perfscope.budget.json against the latest saved results (bench, load, bundle sizes) and returns a markdown table; fails when any budget is breached.",
      inputSchema: { budget: z.string().optional().describe("budget file (default perfscope.budget.json)") },
      outputSchema: { passed: z.boolean(), entries: z.array(loose) },
      annotations: { ...annotations, readOnlyHint: true, idempotentHint: true },
    },
    async (args) => {
      try {
        const budget = await loadBudgetFile(context.resolvePath(args.budget ?? "perfscope.budget.json"), context.root);
        const report = evaluateBudgets(budget, await findLatestResults(context.root));
        return buildToolResult(renderBudgetMarkdown(report), {}, { passed: exitCodeForBudgetReport(report, {}) === 0, entries: report.entries as unknown as Record<string, unknown>[] });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
