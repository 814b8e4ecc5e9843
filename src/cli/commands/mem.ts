import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parseLimitValue } from "../../budgets/limits.js";
import { ExitCode } from "../../core/errors.js";
import { createRunOutput } from "../../core/run-output.js";
import { profileAllocations } from "../../memory/alloc/collect-allocations.js";
import { detectLeak } from "../../memory/analyze/leak-verdict.js";
import { getMemoryStats } from "../../memory/collect/get-memory-stats.js";
import { watchMemory } from "../../memory/collect/watch-memory.js";
import { renderJson } from "../../report/profile-report.js";
import { renderMemorySeriesTerminal, renderMemoryStatsTerminal } from "../../report/memory-report.js";
import { createProgressPrinter, installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";
import { runMemHeapCommand } from "./mem-heap.js";
import { MEM_HELP } from "./mem-help.js";

/** The output options every mem subcommand shares. */
export const MEM_OUTPUT_OPTIONS = {
  out: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `--pid N`, `--process name`, or the command after `--`: what every mem subcommand targets. */
export type MemTarget = { pid: number } | { process: string } | string[];

export function parseMemTarget(values: { pid?: string; process?: string }, rest: string[], required = true): MemTarget | undefined {
  const given = [values.pid !== undefined, values.process !== undefined, rest.length > 0].filter(Boolean).length;
  if (given > 1) throw usageError("give one target: --pid, --process or a command after --");
  if (values.pid !== undefined) {
    const pid = Number(values.pid);
    if (!Number.isInteger(pid) || pid <= 0) throw usageError(`--pid must be a process id, got "${values.pid}"`);
    return { pid };
  }
  if (values.process !== undefined) return { process: values.process };
  if (rest.length > 0) return rest;
  if (required) throw usageError("no target", "Examples: perfscope mem watch --pid 4242 -d 60s · perfscope mem watch -d 60s -- node server.js");
  return undefined;
}

/** A positive number option, or a usage error naming it (a silent NaN would change the verdict). */
export function parsePositive(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

/** "64KB", "1 MB" or plain bytes, per minute. */
function parseBytesOption(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseLimitValue(raw.replace(/\/min$/i, ""), "bytes");
  if (!parsed.ok || !(parsed.value > 0)) throw usageError(`--${name} must be a size like 64KB or 1MB (per minute), got "${raw}"`);
  return parsed.value;
}

/** Splits argv at `--`: options before, the command to run after. */
export function splitAtDashes(argv: string[]): { args: string[]; rest: string[] } {
  const i = argv.indexOf("--");
  return i < 0 ? { args: argv, rest: [] } : { args: argv.slice(0, i), rest: argv.slice(i + 1) };
}

export async function runMemCommand(argv: string[], io: CliIo): Promise<number> {
  const sub = argv[0];
  if (sub === "watch") return runMemWatch(argv.slice(1), io);
  if (sub === "alloc") return runMemAlloc(argv.slice(1), io);
  if (sub === "snapshot" || sub === "leaks" || sub === "diff" || sub === "analyze") return runMemHeapCommand(sub, argv.slice(1), io);
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { pid: { type: "string" }, process: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help || (positionals.length === 0 && !values.pid && !values.process)) {
      writeLine(values.help ? io.stdout : io.stderr, MEM_HELP);
      return values.help ? ExitCode.ok : ExitCode.usage;
    }
    json = Boolean(values.json);
    const spec = positionals[0];
    const target: { pid: number } | { process: string } = values.pid
      ? { pid: Number(values.pid) }
      : values.process
        ? { process: values.process }
        : /^\d+$/.test(spec ?? "")
          ? { pid: Number(spec) }
          : { process: spec! };
    if ("pid" in target && !(target.pid > 0)) throw usageError(`not a process id: ${values.pid ?? spec}`);
    const stats = await getMemoryStats(target);
    writeLine(io.stdout, json ? renderJson(stats) : renderMemoryStatsTerminal(stats));
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  }
}

async function runMemWatch(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  const stop = installStopSignals(io);
  try {
    const { args, rest } = splitAtDashes(argv);
    const { values } = parseArgs({
      args,
      options: {
        pid: { type: "string" },
        process: { type: "string" },
        duration: { type: "string", short: "d" },
        interval: { type: "string", short: "i" },
        load: { type: "string" },
        connections: { type: "string", short: "c" },
        rate: { type: "string", short: "R" },
        "min-slope": { type: "string" },
        ...MEM_OUTPUT_OPTIONS,
      },
    });
    if (values.help) {
      writeLine(io.stdout, MEM_HELP);
      return ExitCode.ok;
    }
    json = Boolean(values.json);
    const target = parseMemTarget(values, rest)!;
    if (!values.duration) throw usageError("mem watch needs --duration (e.g. 60s): watches are always bounded");
    const progress = createProgressPrinter(io, Boolean(values.quiet) || json);
    const series = await watchMemory({
      target,
      duration: values.duration,
      ...(values.interval ? { interval: values.interval } : {}),
      ...(values.load
        ? {
            load: {
              target: values.load,
              duration: values.duration,
              ...(values.rate ? { requestsPerSecond: parsePositive(values.rate, "rate")! } : { concurrency: parsePositive(values.connections ?? "10", "connections")! }),
            },
          }
        : {}),
      signal: stop.signal,
      onProgress: (p) => progress.update(`mem watch · ${(p.elapsedMs / 1000).toFixed(0)} s · ${p.samples} samples`),
    });
    progress.done();
    const minSlope = parseBytesOption(values["min-slope"], "min-slope");
    const verdict = detectLeak(series, minSlope !== undefined ? { minSlopePerMinute: minSlope } : {});
    const out = await createRunOutput("mem", values.out ? { out: values.out } : {});
    const files = { series: out.file("memory-series.json"), verdict: out.file("leak-verdict.json") };
    await writeFile(files.series, JSON.stringify(series, null, 2));
    await writeFile(files.verdict, JSON.stringify(verdict, null, 2));
    if (json) writeLine(io.stdout, renderJson({ series: { ...series, samples: series.samples.length }, verdict, files }));
    else writeLine(io.stdout, `${renderMemorySeriesTerminal(series, verdict)}\n\nSaved: ${files.series}`);
    // A leak is a failed check, like a breached threshold: CI can gate on it.
    return verdict.state === "leak" ? ExitCode.thresholdFailed : ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    stop.dispose();
  }
}

async function runMemAlloc(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  const stop = installStopSignals(io);
  try {
    const { args, rest } = splitAtDashes(argv);
    const { values } = parseArgs({
      args,
      options: {
        pid: { type: "string" },
        duration: { type: "string", short: "d" },
        view: { type: "string" },
        "sampling-interval": { type: "string" },
        ...MEM_OUTPUT_OPTIONS,
      },
    });
    if (values.help) {
      writeLine(io.stdout, MEM_HELP);
      return ExitCode.ok;
    }
    json = Boolean(values.json);
    const target = parseMemTarget({ ...(values.pid ? { pid: values.pid } : {}) }, rest)!;
    const view = values.view ?? "allocated";
    if (view !== "allocated" && view !== "retained") throw usageError(`--view must be allocated or retained, got "${view}"`);
    const progress = createProgressPrinter(io, Boolean(values.quiet) || json);
    const result = await profileAllocations({
      target: Array.isArray(target) ? target : (target as { pid: number }),
      ...(values.duration ? { duration: values.duration } : {}),
      view,
      ...(values["sampling-interval"] ? { samplingInterval: parsePositive(values["sampling-interval"], "sampling-interval")! } : {}),
      ...(values.out ? { out: values.out } : {}),
      signal: stop.signal,
      onProgress: () => progress.update("mem alloc · sampling allocations…"),
    });
    progress.done();
    if (json) writeLine(io.stdout, renderJson({ summary: result.summary, top: result.top, files: result.files, partial: result.partial, notes: result.notes }));
    else writeLine(io.stdout, `${result.summary}\n\nFlame graph: ${result.files.flamegraphHtml}`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    stop.dispose();
  }
}
