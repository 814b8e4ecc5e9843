import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { DEFAULT_SAMPLE_RATE_HZ } from "../../profile/collect/index.js";
import { listRunFiles, profile } from "../../profile/run-profile.js";
import type { CollectProgress } from "../../profile/collect/types.js";
import { renderJson, renderProfileTerminal } from "../../report/profile-report.js";
import { createProgressPrinter, parseTopOption, installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";

export const PROFILE_HELP = `perfscope profile — record a CPU profile and name the bottlenecks

Usage:
  perfscope profile [options] -- <command> [args...]   start a program and profile it to the end
  perfscope profile [options] --pid <PID> --duration <time>   attach to a running process

Options:
  --duration <time>     stop after this long (30s, 500ms, 2m; a bare number is seconds);
                        a program perfscope started is then terminated
  --pid <PID>           attach to a running process (Node via its inspector, others via perf)
  --sample-rate <Hz>    sampling rate (default ${DEFAULT_SAMPLE_RATE_HZ}; overhead measured ≤ 5% at the default)
  --collector <name>    auto | inspector | perf (auto: inspector for Node, perf otherwise)
  --out <dir>           where to write artifacts (default .perfscope/runs/<time>-profile/)
  --top <n>             bottlenecks to list (default 10)
  --json                print the analysis as JSON on stdout
  --quiet               no progress on stderr
  -h, --help            this help

Examples:
  perfscope profile -- node examples/hotspot.js
  perfscope profile --sample-rate 100 --duration 60s -- node server.js
  perfscope profile --pid 4242 --duration 30s
  perfscope profile --collector perf -- node --stack-size=2000 app.js   # JS + native + kernel frames
  perfscope profile --json -- node app.js > analysis.json

Ctrl-C stops profiling, keeps what was collected and analyses it.
Exit codes: 0 ok · 2 usage error · 3 runtime error (target missing, perf not permitted, ...).`;

function describeProgress(e: CollectProgress): string {
  const secs = (e.elapsedMs / 1000).toFixed(1);
  const samples = e.samples !== undefined ? ` · ${e.samples} samples` : "";
  return `perfscope: ${e.phase} ${secs}s${samples}${e.message ? ` · ${e.message}` : ""}`;
}

export async function runProfileCommand(argv: string[], io: CliIo): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  let json = own.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: own,
      allowPositionals: true,
      options: {
        duration: { type: "string" },
        pid: { type: "string" },
        "sample-rate": { type: "string" },
        collector: { type: "string" },
        out: { type: "string" },
        top: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    json = values.json ?? false;
    if (values.help) {
      writeLine(io.stdout, PROFILE_HELP);
      return ExitCode.ok;
    }
    // `perfscope profile node app.js` without `--` is common enough to accept.
    const cmd = command.length > 0 ? command : positionals;
    if (values.pid !== undefined && cmd.length > 0) throw usageError("Give either --pid or a command, not both.", "perfscope profile --pid 4242 --duration 30s");
    if (values.pid === undefined && cmd.length === 0) throw usageError("Nothing to profile.", "perfscope profile -- node app.js   or   perfscope profile --pid 4242 --duration 30s");
    const collector = values.collector ?? "auto";
    if (!["auto", "inspector", "perf"].includes(collector)) throw usageError(`Unknown collector "${collector}".`, "Use auto, inspector or perf.");
    const sampleRate = values["sample-rate"] !== undefined ? Number(values["sample-rate"]) : undefined;
    if (sampleRate !== undefined && !(sampleRate > 0)) throw usageError(`Invalid --sample-rate "${values["sample-rate"]}".`, "A rate in Hz, e.g. --sample-rate 100.");
    const top = parseTopOption(values.top);
    const pid = values.pid !== undefined ? Number(values.pid) : undefined;
    if (pid !== undefined && !(Number.isInteger(pid) && pid > 0)) throw usageError(`Invalid --pid "${values.pid}".`, "A process id, e.g. --pid 4242 (see pgrep -f <name>).");

    const stop = installStopSignals(io);
    const progress = createProgressPrinter(io, values.quiet ?? false);
    try {
      const result = await profile({
        target: pid !== undefined ? { pid } : { command: cmd },
        ...(values.duration !== undefined ? { duration: values.duration } : {}),
        ...(sampleRate !== undefined ? { sampleRate } : {}),
        collector: collector as "auto" | "inspector" | "perf",
        ...(values.out !== undefined ? { out: values.out } : {}),
        signal: stop.signal,
        onProgress: (e) => progress.update(describeProgress(e)),
        // With --json, stdout carries only JSON, so the program's output is passed to stderr.
        stdio: json ? "pipe" : "inherit",
        top,
      });
      progress.done();
      if (result.output) io.stderr.write(result.output.stdout + result.output.stderr);
      const files = listRunFiles(result);
      if (json) writeLine(io.stdout, renderJson({ ...result.analysis, files, exitCode: result.exitCode, notes: result.notes }));
      else {
        writeLine(io.stdout, renderProfileTerminal(result.analysis, { files, top, color: Boolean(io.stdout.isTTY), width: io.stdout.columns ?? 100, relativeTo: process.cwd() }));
        if (result.partial) writeLine(io.stderr, `perfscope: partial profile (${result.partial}); saved in ${result.outDir}`);
        writeLine(io.stderr, `perfscope: open the flame graph: ${result.files.flamegraphHtml}`);
      }
      for (const note of result.notes) writeLine(io.stderr, `perfscope: note: ${note}`);
      return ExitCode.ok;
    } finally {
      progress.done();
      stop.dispose();
    }
  } catch (error) {
    return reportError(io, error, json);
  }
}
