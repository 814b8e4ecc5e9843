import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { formatBytes } from "../../core/units.js";
import { analyzeProfileFile, listRunFiles } from "../../profile/run-profile.js";
import { renderJson, renderProfileMarkdown, renderProfileTerminal } from "../../report/profile-report.js";
import { createProgressPrinter, parseTopOption, reportError, usageError, writeLine, type CliIo } from "../io.js";

export const ANALYZE_HELP = `perfscope analyze — analyse a saved profile offline and draw its flame graph

Usage:
  perfscope analyze [options] <file>

Formats (detected): V8 .cpuprofile (Chrome DevTools, node --cpu-prof), perf script text
(perf script > out.perf), folded/collapsed stacks (a;b;c 12), perfscope profile.json.

Options:
  --out <dir>         where to write artifacts (default .perfscope/runs/<time>-analyze/)
  --top <n>           bottlenecks to list (default 10)
  --format <fmt>      terminal (default) | markdown | json
  --json              same as --format json
  --quiet             no progress on stderr
  -h, --help          this help

Examples:
  perfscope analyze CPU.20261126.cpuprofile
  perf script -i perf.data > out.perf && perfscope analyze out.perf
  perfscope analyze --format markdown --top 5 profile.folded >> $GITHUB_STEP_SUMMARY

Exit codes: 0 ok · 2 usage error or unknown format · 3 unreadable or corrupt file.`;

export async function runAnalyzeCommand(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        top: { type: "string" },
        format: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      writeLine(io.stdout, ANALYZE_HELP);
      return ExitCode.ok;
    }
    const format = values.json ? "json" : (values.format ?? "terminal");
    json = format === "json";
    if (!["terminal", "markdown", "json"].includes(format)) throw usageError(`Unknown --format "${format}".`, "Use terminal, markdown or json.");
    if (positionals.length !== 1) throw usageError(positionals.length === 0 ? "No profile file given." : "Give exactly one profile file.", "perfscope analyze profile.cpuprofile");
    const top = parseTopOption(values.top);
    const progress = createProgressPrinter(io, values.quiet ?? false);
    const result = await analyzeProfileFile(positionals[0]!, {
      top,
      ...(values.out !== undefined ? { out: values.out } : {}),
      onProgress: (bytes) => progress.update(`perfscope: reading ${formatBytes(bytes)}`),
    });
    progress.done();
    const files = listRunFiles(result);
    if (format === "json") writeLine(io.stdout, renderJson({ ...result.analysis, files }));
    else if (format === "markdown") writeLine(io.stdout, renderProfileMarkdown(result.analysis, { files, top }));
    else writeLine(io.stdout, renderProfileTerminal(result.analysis, { files, top, color: Boolean(io.stdout.isTTY), width: io.stdout.columns ?? 100, relativeTo: process.cwd() }));
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  }
}
