import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { PERFSCOPE_VERSION } from "../version.js";
import { createToolContext, type ToolContext } from "./tools/context.js";
import { registerApiTools } from "./tools/api-tools.js";
import { registerBenchTools } from "./tools/bench-tools.js";
import { registerLoadTools } from "./tools/load-tools.js";
import { registerMemoryTools } from "./tools/memory-tools.js";
import { registerProfileTools } from "./tools/profile-tools.js";
import { registerRumTools } from "./tools/rum-tools.js";
import { registerScriptTools, type ScriptToolsOptions } from "./tools/script-tools.js";

export interface McpServerOptions {
  /** Folder under which run artifacts are written (default: the working directory). */
  root?: string;
  /** The RUM store get_rum_data reads: a SQLite file or postgres:// URL (default .perfscope/rum.sqlite under the root). */
  rumStore?: string;
  /**
   * A tool context to share instead of building one from root/rumStore. The HTTP server builds
   * one server per session but shares this, so run folders of concurrent sessions never collide.
   */
  context?: ToolContext;
  /**
   * run_script and skills: what brokered library calls may reach (default: no load targets,
   * no commands, no extra folders — only pure analysis and the server's RUM store) and limits.
   */
  script?: ScriptToolsOptions;
}

const CLOSED_POLICY: ScriptToolsOptions = { policy: { allowedTargets: [], allowedCommands: [], readPaths: [] } };

/** The context tool groups get, built from the server options (one place, so stdio and HTTP agree). */
export function createMcpToolContext(options: McpServerOptions = {}): ToolContext {
  return options.context ?? createToolContext(options.root ?? process.cwd(), options.rumStore ? { rumStore: options.rumStore } : {});
}

/**
 * Builds the MCP server with every tool group registered; adding a capability is one register call here.
 * Called once per stdio connection and once per HTTP session: tool groups must not assume one instance.
 */
export function createMcpServer(options: McpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: "perfscope", version: PERFSCOPE_VERSION },
    { instructions: "perfscope measures performance. Tools return insights (bottlenecks, findings) and links to full artifacts on disk; raw profiles never enter the conversation. To process data yourself, write TypeScript for run_script against the library (global `perf`); find functions with search_api and read perfscope://api/<domain>.d.ts." },
  );
  const context = createMcpToolContext(options);
  registerProfileTools(server, context);
  registerLoadTools(server, context);
  registerBenchTools(server, context);
  registerMemoryTools(server, context);
  registerRumTools(server, context);
  registerScriptTools(server, context, options.script ?? CLOSED_POLICY);
  registerApiTools(server);
  return server;
}

/** Serves MCP over stdio until the client disconnects. */
export async function serveMcpStdio(options: McpServerOptions = {}): Promise<void> {
  const server = createMcpServer(options);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    // The protocol owns transport.onclose; the server-level hook is ours.
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
}
