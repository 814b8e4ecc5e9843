import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { PERFSCOPE_VERSION } from "../version.js";
import { createToolContext } from "./tools/context.js";
import { registerBenchTools } from "./tools/bench-tools.js";
import { registerLoadTools } from "./tools/load-tools.js";
import { registerMemoryTools } from "./tools/memory-tools.js";
import { registerProfileTools } from "./tools/profile-tools.js";

export interface McpServerOptions {
  /** Folder under which run artifacts are written (default: the working directory). */
  root?: string;
}

/** Builds the MCP server with every tool group registered; adding a capability is one register call here. */
export function createMcpServer(options: McpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: "perfscope", version: PERFSCOPE_VERSION },
    { instructions: "perfscope measures performance. Tools return insights (bottlenecks, findings) and links to full artifacts on disk; raw profiles never enter the conversation." },
  );
  const context = createToolContext(options.root ?? process.cwd());
  registerProfileTools(server, context);
  registerLoadTools(server, context);
  registerBenchTools(server, context);
  registerMemoryTools(server, context);
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
