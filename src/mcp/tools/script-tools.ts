/**
 * Code execution for agents: run_script runs TypeScript in the sandbox with the library as
 * `perf` (alias `performance_mcp`), and the skill tools (save_skill, list_skills,
 * run_skill) keep reusable scripts in skills/performance/. Only what a script prints comes
 * back; the files it writes stay in its run folder and are linked.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runScriptCall, scriptOutputShape, OUTPUT_CAP_BYTES, type ScriptToolsOptions } from "../sandbox/script-call.js";
import { registerSkillTools } from "../skills/skill-tools.js";
import { buildToolError } from "../tool-result.js";
import type { ToolContext } from "./context.js";

export type { ScriptToolsOptions } from "../sandbox/script-call.js";

export function registerScriptTools(server: McpServer, context: ToolContext, options: ScriptToolsOptions): void {
  const maxTimeoutMs = options.maxTimeoutMs ?? 600_000;
  const maxMemoryMb = options.maxMemoryMb ?? 2048;
  const services = { root: context.root, ...(context.rumStore ? { rumStore: context.rumStore } : {}) };
  server.registerTool(
    "run_script",
    {
      title: "Run a TypeScript analysis script in a sandbox",
      description:
        `Runs TypeScript (types stripped, top-level await) in a confined process: no network, no other processes, files only in its own run folder (the cwd). The perfscope library is the global \`perf\` (also \`performance_mcp\`): pure analysis (computeFunctionStats, analyzeProfile, detectLeak, compareRuns, median, …) runs in the script; profile, runLoadTest, findBreakingPointForTarget, benchmarkVersions, watchMemory, findLeaks and getRumData are brokered to the server and allowed only for the targets and commands the operator listed (${options.policy.allowedCommands.length} command prefixes, ${options.policy.allowedTargets.length} targets). Process the data in the script and print only the conclusion: the text returned is what it printed, capped at ${OUTPUT_CAP_BYTES} bytes (the cap is stated when hit). Files written are linked. Find functions with search_api; full declarations are the resources perfscope://api/<domain>.d.ts.`,
      inputSchema: {
        code: z.string().min(1).max(500_000).describe("TypeScript; top-level await works; print results with console.log"),
        timeoutMs: z.number().int().min(100).max(maxTimeoutMs).optional().describe(`wall-clock limit (default ${options.defaultTimeoutMs ?? 120_000}, max ${maxTimeoutMs})`),
        memoryMb: z.number().int().min(16).max(maxMemoryMb).optional().describe(`heap limit (default ${options.defaultMemoryMb ?? 512}, max ${maxMemoryMb})`),
      },
      outputSchema: scriptOutputShape,
      annotations: { title: "Run script", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        return await runScriptCall(options, services, context.runDir("script"), { code: args.code, timeoutMs: args.timeoutMs, memoryMb: args.memoryMb }, extra);
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
  registerSkillTools(server, context, options, services);
}
