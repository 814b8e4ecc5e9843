import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { compareRuns } from "../../bench/analyze/compare.js";
import { collectMachineInfo, readGitInfo } from "../../bench/machine.js";
import type { BenchComparison, BenchRun } from "../../bench/model.js";
import { runCommandBenchmarks } from "../../bench/run/commands.js";
import { discoverBenchFiles } from "../../bench/run/discover.js";
import { runBenchSuite } from "../../bench/run/run-suite.js";
import { benchmarkVersions, readSuiteName } from "../../bench/run/versions.js";
import { saveBenchRun } from "../../bench/save-run.js";
import { ExitCode } from "../../core/errors.js";
import { renderBenchMarkdown, renderBenchTerminal, renderComparisonMarkdown, renderComparisonTerminal, renderVersionsTerminal } from "../../report/bench-report.js";
import { renderJson } from "../../report/profile-report.js";
import { openHistoryStore } from "../../store/history-store.js";
import { createProgressPrinter, installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";
import { runBenchCompareCommand, runBenchHistoryCommand, loadBenchRunFile } from "./bench-history.js";
import { BENCH_HELP } from "./bench-help.js";
import { parseFilter, parseFraction, parseMs, parseParameterScan, parsePositiveInt, parseVersions } from "./bench-options.js";

type Format = "terminal" | "markdown" | "json";

const OPTIONS = {
  filter: { type: "string", short: "f", multiple: true },
  processes: { type: "string", short: "p" },
  time: { type: "string", short: "t" },
  warmup: { type: "string" },
  versions: { type: "string" },
  build: { type: "string" },
  "no-build": { type: "boolean" },
  "keep-worktrees": { type: "boolean" },
  compare: { type: "string" },
  cmd: { type: "string", multiple: true },
  name: { type: "string", short: "n", multiple: true },
  runs: { type: "string" },
  "min-runs": { type: "string" },
  "max-runs": { type: "string" },
  "min-time": { type: "string" },
  prepare: { type: "string" },
  setup: { type: "string" },
  cleanup: { type: "string" },
  "parameter-scan": { type: "string" },
  "parameter-list": { type: "string" },
  shell: { type: "string" },
  "no-shell": { type: "boolean", short: "N" },
  "ignore-failure": { type: "boolean" },
  "show-output": { type: "boolean" },
  "noise-band": { type: "string" },
  alpha: { type: "string" },
  history: { type: "string" },
  "no-history": { type: "boolean" },
  out: { type: "string" },
  format: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runBenchCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === "compare") return runBenchCompareCommand(argv.slice(1), io);
  if (argv[0] === "history") return runBenchHistoryCommand(argv.slice(1), io);
  let json = argv.includes("--json");
  const stop = installStopSignals(io);
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    if (values.help) {
      writeLine(io.stdout, BENCH_HELP);
      return ExitCode.ok;
    }
    const format = (values.json ? "json" : (values.format ?? "terminal")) as Format;
    if (!["terminal", "markdown", "json"].includes(format)) throw usageError(`--format must be terminal, markdown or json, got "${format}"`);
    json = format === "json";
    const cwd = process.cwd();
    const history = values["no-history"] ? false : values.history;
    const decide = {
      ...(values["noise-band"] !== undefined ? { noiseBand: parseFraction(values["noise-band"], "noise-band")! } : {}),
      ...(values.alpha !== undefined ? { alpha: parseFraction(values.alpha, "alpha")! } : {}),
    };
    const progress = createProgressPrinter(io, Boolean(values.quiet) || json);
    const versions = parseVersions(values.versions);
    if (versions && values.cmd) throw usageError("--versions and --cmd cannot be combined");

    if (versions) {
      const result = await benchmarkVersions({
        cwd,
        versions,
        ...(positionals.length > 0 ? { paths: positionals } : {}),
        ...withFilter(values.filter),
        ...functionTiming(values),
        ...(values["no-build"] ? { build: false as const } : values.build !== undefined ? { build: values.build } : {}),
        keepWorktrees: Boolean(values["keep-worktrees"]),
        ...decide,
        signal: stop.signal,
        onProgress: (e) => progress.update(e.phase === "run" ? `bench ${e.ref} · ${e.benchmark} · ${e.done}/${e.total} processes` : `bench ${e.phase} ${e.ref}…`),
      });
      progress.done();
      const saved: string[] = [];
      for (const v of result.versions) {
        if (v.state !== "completed") continue;
        const step = result.steps.find((s) => s.to === v.ref);
        const s = await saveBenchRun(v.run, { cwd, history, kind: `bench-${v.ref.replace(/[^\w.-]+/g, "_")}`, ...(step ? { comparisons: step.comparisons } : {}) });
        saved.push(s.files.run);
        if (s.historyError) writeLine(io.stderr, `perfscope: warning: run not stored in history: ${s.historyError}`);
      }
      if (format === "json") writeLine(io.stdout, renderJson({ ...result, files: saved }));
      else if (format === "markdown") writeLine(io.stdout, result.steps.map((s) => `#### ${s.from} → ${s.to}\n\n${renderComparisonMarkdown(s.comparisons, s.missing)}`).join("\n\n"));
      else writeLine(io.stdout, `${renderVersionsTerminal(result)}\n\nSaved: ${saved.join(", ")}`);
      if (result.regressions.length > 0) return ExitCode.thresholdFailed;
      return result.versions.some((v) => v.state === "errored") ? ExitCode.runtime : ExitCode.ok;
    }

    let run: BenchRun;
    if (values.cmd) {
      const scan = parseParameterScan(values["parameter-scan"], values["parameter-list"]);
      run = await runCommandBenchmarks({
        commands: values.cmd,
        ...(values.name ? { names: values.name } : {}),
        ...optionalInt("warmup", values.warmup),
        ...optionalInt("runs", values.runs),
        ...optionalInt("minRuns", values["min-runs"]),
        ...optionalInt("maxRuns", values["max-runs"]),
        ...(values["min-time"] ? { minTimeMs: parseMs(values["min-time"], "min-time")! } : {}),
        ...(values.prepare ? { prepare: values.prepare } : {}),
        ...(values.setup ? { setup: values.setup } : {}),
        ...(values.cleanup ? { cleanup: values.cleanup } : {}),
        ...(scan ? { parameterScan: scan } : {}),
        ...(values["no-shell"] ? { shell: false as const } : values.shell ? { shell: values.shell } : {}),
        ignoreFailure: Boolean(values["ignore-failure"]),
        showOutput: Boolean(values["show-output"]),
        cwd,
        suite: await readSuiteName(cwd),
        signal: stop.signal,
        onProgress: (e: unknown) => progress.update(`bench ${describeCommandProgress(e)}`),
      });
      // Command runs are keyed in the history by the commit they ran at, like function runs.
      if (!run.git) {
        const git = await readGitInfo(cwd);
        if (git) run.git = git;
      }
    } else {
      const files = await discoverBenchFiles(positionals.length > 0 ? positionals : cwd, cwd);
      if (files.length === 0) throw usageError(`no *.bench.ts files found under ${positionals.join(", ") || cwd}`, 'Write a file like bench/app.bench.ts: import { bench } from "perfscope"; bench("name", () => work());');
      run = await runBenchSuite({
        files,
        cwd,
        suite: await readSuiteName(cwd),
        ...withFilter(values.filter),
        ...functionTiming(values),
        signal: stop.signal,
        onProgress: (e: unknown) => progress.update(`bench ${describeCommandProgress(e)}`),
      });
    }
    progress.done();

    let comparisons: BenchComparison[] | undefined;
    let missing: { name: string; reason: string }[] = [];
    if (values.compare) {
      const baseline = await loadBaseline(values.compare, run, history, cwd);
      ({ comparisons, missing } = compareRuns(baseline, run, decide));
    }
    const saved = await saveBenchRun(run, { cwd, history, ...(values.out ? { out: values.out } : {}), ...(comparisons ? { comparisons } : {}) });
    if (saved.historyError) writeLine(io.stderr, `perfscope: warning: run not stored in history: ${saved.historyError}`);
    if (format === "json") writeLine(io.stdout, renderJson({ run, comparisons, missing, files: saved.files, historyId: saved.historyId }));
    else if (format === "markdown") writeLine(io.stdout, [renderBenchMarkdown(run), comparisons ? renderComparisonMarkdown(comparisons, missing) : ""].filter(Boolean).join("\n\n"));
    else {
      const parts = [renderBenchTerminal(run)];
      if (comparisons) parts.push(renderComparisonTerminal(comparisons, missing, `compared with ${values.compare}`));
      parts.push(`Saved: ${saved.files.run}${saved.historyId !== undefined ? ` (history #${saved.historyId})` : ""}`);
      writeLine(io.stdout, parts.join("\n\n"));
    }
    if (run.partial) writeLine(io.stderr, `perfscope: stopped early; partial results saved in ${saved.files.run}`);
    if (comparisons?.some((c) => c.verdict === "slower")) return ExitCode.thresholdFailed;
    return run.results.some((r) => r.state === "errored") ? ExitCode.runtime : ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    stop.dispose();
  }
}

function withFilter(raw: string[] | undefined): { filter?: string[] | RegExp } {
  const filter = parseFilter(raw);
  return filter ? { filter } : {};
}

function functionTiming(values: { processes?: string; time?: string; warmup?: string }): { processes?: number; timeMs?: number; warmupMs?: number } {
  return {
    ...(values.processes ? { processes: parsePositiveInt(values.processes, "processes")! } : {}),
    ...(values.time ? { timeMs: parseMs(values.time, "time")! } : {}),
    ...(values.warmup ? { warmupMs: parseMs(values.warmup, "warmup")! } : {}),
  };
}

function optionalInt<K extends string>(key: K, raw: string | undefined): Partial<Record<K, number>> {
  if (raw === undefined) return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw usageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number, got "${raw}"`);
  return { [key]: n } as Partial<Record<K, number>>;
}

function describeCommandProgress(event: unknown): string {
  if (event && typeof event === "object") {
    const e = event as Record<string, unknown>;
    const name = typeof e.name === "string" ? e.name : typeof e.benchmark === "string" ? e.benchmark : "";
    const done = typeof e.done === "number" ? e.done : undefined;
    const total = typeof e.total === "number" ? e.total : undefined;
    return `${name}${done !== undefined && total !== undefined ? ` · ${done}/${total}` : ""}`;
  }
  return "";
}

async function loadBaseline(spec: string, run: BenchRun, history: string | false | undefined, cwd: string): Promise<BenchRun> {
  if (spec !== "last") return loadBenchRunFile(resolve(cwd, spec));
  if (history === false) throw usageError("--compare last needs the history store", "Drop --no-history, or pass a bench-run.json file.");
  const store = await openHistoryStore(history, { cwd });
  try {
    const last = await store.latestRun({ suite: run.suite, machineId: collectMachineInfo().id });
    if (!last) throw usageError(`no stored run of suite "${run.suite}" on this machine to compare with`, "Run perfscope bench once to record a baseline, or pass a bench-run.json file.");
    return last;
  } finally {
    await store.close();
  }
}
