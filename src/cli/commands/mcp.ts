import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { parseDuration } from "../../core/units.js";
import { isLoopbackHost, resolveMcpToken } from "../../mcp/http-guard.js";
import { DEFAULT_MCP_MAX_SESSIONS, startMcpHttpServer } from "../../mcp/http-transport.js";
import { serveMcpStdio, type McpServerOptions } from "../../mcp/server.js";
import type { ScriptToolsOptions } from "../../mcp/tools/script-tools.js";
import { reportError, usageError, writeLine, type CliIo } from "../io.js";

export const MCP_HELP = `perfscope mcp — serve perfscope to AI agents over the Model Context Protocol (stdio or HTTP)

Usage:
  perfscope mcp [--root <dir>] [--rum-store <path|postgres://…>]
  perfscope mcp --http <port> [--host 127.0.0.1] [--token <token>] [--allow-origin <origin>]... [--json]

Tools: profiling, load tests, benchmarks and version comparisons, budgets, memory and leaks,
real-user Core Web Vitals (get_rum_data). Each returns a short summary, structured results,
and links to the full artifacts written under <dir>/.perfscope/runs/. run_script runs the
agent's TypeScript against the library (global \`perf\`) in a sandbox — no network, no
processes, files only in its run folder — and returns only what it prints; save_skill,
list_skills and run_skill keep scripts that work (five ship with perfscope).

Without --http the server speaks MCP on stdin/stdout (the client starts it). With --http it
serves Streamable HTTP at http://<host>:<port>/mcp, one session per client, until Ctrl-C or
SIGTERM. Every HTTP request must carry "Authorization: Bearer <token>" (else 401), a Host
header naming this server and, if present, a loopback Origin (else 403: DNS-rebinding
protection); bodies over 4 MiB get 413.

Options:
  --root <dir>           folder for run artifacts and input paths (default: the current directory)
  --rum-store <spec>     the RUM store get_rum_data reads (default <dir>/.perfscope/rum.sqlite)
  --http <port>          serve Streamable HTTP on this port (0 = any free port)
  --host <addr>          address to bind (default 127.0.0.1; also localhost, ::1)
  --allow-remote         allow a --host off loopback (0.0.0.0, a LAN address); the token is still
                         required and traffic is plain HTTP, so put TLS in front
  --token <token>        the bearer token (at least 16 characters); default $PERFSCOPE_MCP_TOKEN,
                         else a random 32-byte token printed at start
  --allow-origin <o>     also accept this browser Origin, e.g. https://app.example (repeatable)
  --max-sessions <n>     concurrent sessions (default ${DEFAULT_MCP_MAX_SESSIONS}); idle ones close after 30 min
  --json                 print {url, token, ...} as one JSON line on stdout instead of text on stderr
  --allow-target <url>   run_script/skills: an origin brokered load tests may reach, e.g.
                         http://127.0.0.1:3000 (repeatable; default none)
  --allow-command <cmd>  run_script/skills: a command prefix brokered profiling, memory watches
                         and builds may start, e.g. "node server.js" (repeatable; default none)
  --allow-read <dir>     run_script/skills: a folder scripts may read through perf.readTextFile
  --script-timeout <t>   run_script's default time limit (default 120s)
  --script-memory <mb>   run_script's default heap limit (default 512)
  -h, --help             this help

Examples:
  perfscope mcp --root ~/code/shop
  perfscope mcp --http 8931
  PERFSCOPE_MCP_TOKEN=$(openssl rand -hex 32) perfscope mcp --http 8931 --root ~/code/shop
  perfscope mcp --http 0 --json          # a free port; read url and token from the JSON line
  perfscope mcp --allow-command "node server.js" --allow-target http://127.0.0.1:3000

Client configuration, stdio (Claude Desktop, Cursor, ...):
  { "mcpServers": { "perfscope": { "command": "npx", "args": ["perfscope", "mcp"] } } }

Client configuration, HTTP (clients that support remote servers with headers):
  { "mcpServers": { "perfscope": { "type": "http", "url": "http://127.0.0.1:8931/mcp",
      "headers": { "Authorization": "Bearer <token>" } } } }
  claude mcp add --transport http perfscope http://127.0.0.1:8931/mcp --header "Authorization: Bearer <token>"`;

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw usageError(`Invalid --http "${raw}".`, "A TCP port 0–65535; 0 picks a free one.");
  return port;
}

function parseMaxSessions(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`Invalid --max-sessions "${raw}".`, "A positive integer, e.g. --max-sessions 8.");
  return n;
}

/** Resolves on the first SIGINT/SIGTERM/SIGHUP; the listeners are removed again. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}

/** run_script's policy from the command line: nothing privileged unless the operator lists it. */
function buildScriptOptions(values: { "allow-target"?: string[]; "allow-command"?: string[]; "allow-read"?: string[]; "script-timeout"?: string; "script-memory"?: string }): ScriptToolsOptions {
  const timeout = values["script-timeout"] !== undefined ? parseDuration(values["script-timeout"]) : undefined;
  if (timeout === null || (timeout !== undefined && !(timeout > 0))) throw usageError(`--script-timeout must be a duration such as 120s, got "${values["script-timeout"]}"`);
  const memory = values["script-memory"] !== undefined ? Number(values["script-memory"]) : undefined;
  if (memory !== undefined && !(Number.isInteger(memory) && memory >= 64)) throw usageError(`--script-memory must be megabytes (≥ 64), got "${values["script-memory"]}"`);
  for (const target of values["allow-target"] ?? []) {
    if (!/^https?:\/\/[^/]+/.test(target)) throw usageError(`--allow-target must be an http(s) origin such as http://127.0.0.1:3000, got "${target}"`);
  }
  return {
    policy: {
      allowedTargets: values["allow-target"] ?? [],
      allowedCommands: values["allow-command"] ?? [],
      readPaths: (values["allow-read"] ?? []).map((p) => resolve(p)),
    },
    ...(timeout !== undefined ? { defaultTimeoutMs: timeout, maxTimeoutMs: Math.max(timeout, 600_000) } : {}),
    ...(memory !== undefined ? { defaultMemoryMb: memory, maxMemoryMb: Math.max(memory, 2048) } : {}),
  };
}

export async function runMcpCommand(argv: string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        root: { type: "string" },
        "rum-store": { type: "string" },
        http: { type: "string" },
        host: { type: "string" },
        token: { type: "string" },
        "allow-remote": { type: "boolean" },
        "allow-origin": { type: "string", multiple: true },
        "max-sessions": { type: "string" },
        "allow-target": { type: "string", multiple: true },
        "allow-command": { type: "string", multiple: true },
        "allow-read": { type: "string", multiple: true },
        "script-timeout": { type: "string" },
        "script-memory": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    json = values.json === true;
    if (values.help) {
      writeLine(io.stdout, MCP_HELP);
      return ExitCode.ok;
    }
    const serverOptions: McpServerOptions = {
      ...(values.root !== undefined ? { root: values.root } : {}),
      ...(values["rum-store"] ? { rumStore: values["rum-store"] } : {}),
      script: buildScriptOptions(values),
    };
    if (values.http === undefined) {
      const httpOnly = ["host", "token", "allow-remote", "allow-origin", "max-sessions", "json"].filter((k) => values[k as keyof typeof values] !== undefined);
      if (httpOnly.length > 0) throw usageError(`--${httpOnly[0]} applies to the HTTP server only.`, "Add --http <port>, e.g. --http 0 for a free port.");
      await serveMcpStdio(serverOptions);
      return ExitCode.ok;
    }
    const { token, source } = resolveMcpToken(values.token);
    const maxSessions = parseMaxSessions(values["max-sessions"]);
    const server = await startMcpHttpServer(
      {
        port: parsePort(values.http),
        token,
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(values["allow-remote"] ? { allowRemote: true } : {}),
        ...(values["allow-origin"] ? { allowedOrigins: values["allow-origin"] } : {}),
        ...(maxSessions !== undefined ? { maxSessions } : {}),
      },
      serverOptions,
    );
    const stop = waitForStopSignal();
    if (!isLoopbackHost(server.host)) writeLine(io.stderr, `perfscope mcp: warning: listening on ${server.host}, reachable from other machines over plain HTTP; the token is the only protection.`);
    if (json) {
      writeLine(io.stdout, JSON.stringify({ transport: "streamable-http", url: server.url, host: server.host, port: server.port, token, tokenSource: source }));
    } else {
      writeLine(io.stderr, `perfscope mcp: serving MCP (Streamable HTTP) at ${server.url}`);
      // A token the user supplied is not echoed into terminals and logs; they already have it.
      writeLine(io.stderr, source === "generated" ? `token: ${token}` : `token: the one from ${source === "flag" ? "--token" : "PERFSCOPE_MCP_TOKEN"}`);
      writeLine(io.stderr, `clients send "Authorization: Bearer <token>"; Ctrl-C to stop.`);
    }
    const signal = await stop;
    await server.close();
    if (!json) writeLine(io.stderr, `perfscope mcp: stopped (${signal}).`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  }
}
