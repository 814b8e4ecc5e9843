#!/usr/bin/env node
import { ExitCode } from "../core/errors.js";
import { PERFSCOPE_VERSION } from "../version.js";
import { processIo, writeLine, type CliIo } from "./io.js";

type RunCommand = (argv: string[], io: CliIo) => Promise<number>;

// Each command's module is loaded only when it runs: a long-lived `rum serve` or `mcp` then
// carries none of the others (about 50 MB of RSS less for the collector), and every start is quicker.
const COMMANDS: Record<string, { summary: string; load: () => Promise<RunCommand> }> = {
  profile: { summary: "record a CPU profile of a command or PID and name the bottlenecks", load: async () => (await import("./commands/profile.js")).runProfileCommand },
  analyze: { summary: "analyse a saved profile (.cpuprofile, perf script, folded) and draw its flame graph", load: async () => (await import("./commands/analyze.js")).runAnalyzeCommand },
  load: { summary: "load-test an HTTP service (open or closed model) and find its breaking point", load: async () => (await import("./commands/load.js")).runLoadCommand },
  bench: { summary: "benchmark functions, commands or git versions; compare runs with statistics", load: async () => (await import("./commands/bench.js")).runBenchCommand },
  check: { summary: "check performance budgets (perfscope.budget.json) against the latest results", load: async () => (await import("./commands/check.js")).runCheckCommand },
  mem: { summary: "memory of a process, leak verdicts that survive GC, heap snapshots and allocation flame graphs", load: async () => (await import("./commands/mem.js")).runMemCommand },
  rum: { summary: "real-user monitoring: beacon snippet, collector, Core Web Vitals queries, CrUX comparison", load: async () => (await import("./commands/rum.js")).runRumCommand },
  mcp: { summary: "serve perfscope to AI agents over MCP (stdio or HTTP), with a run_script sandbox", load: async () => (await import("./commands/mcp.js")).runMcpCommand },
};

const MAIN_HELP = `perfscope ${PERFSCOPE_VERSION} — measure, find the bottleneck, prove it with numbers

Usage: perfscope <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join("\n")}

Run "perfscope <command> --help" for a command's options and examples.

Examples:
  perfscope profile -- node examples/hotspot.js
  perfscope profile --pid 4242 --duration 30s
  perfscope analyze profile.cpuprofile --format markdown
  perfscope bench --versions v1.0.0,v1.1.0,HEAD
  perfscope check --format markdown
  perfscope mem watch -d 60s --load http://127.0.0.1:3000/ -- node server.js
  perfscope rum serve --port 8787 --origin https://shop.example
  perfscope rum query --metric lcp --group-by route
  perfscope mcp
  perfscope mcp --http 0

Exit codes: 0 ok · 1 a threshold failed · 2 usage error · 3 runtime error.`;

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    writeLine(io.stdout, MAIN_HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-v") {
    writeLine(io.stdout, PERFSCOPE_VERSION);
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `perfscope: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}. See perfscope --help.`);
    return ExitCode.usage;
  }
  return (await command.load())(rest, io);
}

const code = await runCli(process.argv.slice(2));
// Let stdout drain before exiting: piped JSON output must not be cut short.
process.exitCode = code;
