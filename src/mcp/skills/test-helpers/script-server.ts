/** Test set-up: a real McpServer with the script and skill tools, and an SDK client linked to it in process. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ScriptPolicy } from "../../sandbox/types.js";
import { createToolContext } from "../../tools/context.js";
import { registerScriptTools, type ScriptToolsOptions } from "../../tools/script-tools.js";

export interface ScriptServer {
  client: Client;
  root: string;
  close(): Promise<void>;
}

export interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text?: string; uri?: string; name?: string }[];
  structuredContent?: Record<string, unknown>;
}

export const NO_ACCESS: ScriptPolicy = { allowedTargets: [], allowedCommands: [], readPaths: [] };

/** Starts a server whose root is `root` (a fresh temp folder when not given). */
export async function startScriptServer(options: Partial<ScriptToolsOptions> & { root?: string; rumStore?: string } = {}): Promise<ScriptServer> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), "perfscope-script-tools-")));
  const server = new McpServer({ name: "perfscope-test", version: "0.0.0" });
  const context = createToolContext(root, options.rumStore ? { rumStore: options.rumStore } : {});
  registerScriptTools(server, context, { policy: NO_ACCESS, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "perfscope-test-client", version: "0.0.0" });
  await client.connect(clientSide);
  return {
    client,
    root,
    close: async () => {
      await client.close();
      await server.close();
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

/** Calls a tool with a long request timeout (skills run for tens of seconds). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>, extra: { signal?: AbortSignal; onprogress?: (p: { progress: number; message?: string }) => void } = {}): Promise<ToolAnswer> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000, ...extra })) as ToolAnswer;
}

export function textOf(answer: ToolAnswer): string {
  return answer.content.filter((c) => c.type === "text").map((c) => c.text ?? "").join("\n");
}
