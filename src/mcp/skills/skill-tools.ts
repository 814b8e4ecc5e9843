/**
 * The skill tools: save_skill writes a script with its SKILL.md into the project's
 * skills/performance/, list_skills shows shipped and project skills with their arguments,
 * run_skill runs one in the sandbox exactly like run_script, its arguments as `args`.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { transpileScript } from "../sandbox/transpile.js";
import { runScriptCall, scriptOutputShape, type ScriptToolsOptions } from "../sandbox/script-call.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "../tools/context.js";
import { PerfError } from "../../core/errors.js";
import { resolveSkillArgs } from "./skill-manifest.js";
import { listSkills, loadSkill, resolveSkillDirs, saveSkill } from "./skill-store.js";

const parameterShape = z.object({
  name: z.string().regex(/^[A-Za-z_]\w{0,63}$/),
  type: z.string().regex(/^(string|number|boolean|string\[\]|number\[\]|object)(\|(string|number|boolean|string\[\]|number\[\]|object))*$/).describe("string, number, boolean, string[], number[], object, or several joined by |"),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  description: z.string().max(500).default(""),
});

export function registerSkillTools(server: McpServer, context: ToolContext, options: ScriptToolsOptions, services: { root: string; rumStore?: string }): void {
  const dirs = resolveSkillDirs(context.root, options.shippedSkillsDir);
  const maxTimeoutMs = options.maxTimeoutMs ?? 600_000;

  server.registerTool(
    "save_skill",
    {
      title: "Save a reusable analysis script as a skill",
      description: `Saves TypeScript (as for run_script; its arguments arrive as the global \`args\`) with a SKILL.md into ${dirs.project}/<name>/ (<name>.ts + SKILL.md). A project skill replaces a shipped one of the same name. Refuses to replace an existing project skill unless overwrite is true; refuses code that does not compile.`,
      inputSchema: {
        name: z.string().regex(/^[a-z0-9-]{1,64}$/).describe("[a-z0-9-]{1,64}"),
        description: z.string().min(1).max(500).describe("one line: what it finds out"),
        code: z.string().min(1).max(500_000),
        parameters: z.array(parameterShape).max(30).default([]).describe("the args the code reads"),
        readme: z.string().max(20_000).optional().describe("Markdown for SKILL.md: what it does, an example"),
        overwrite: z.boolean().default(false),
      },
      outputSchema: { name: z.string(), dir: z.string(), files: z.array(z.string()), overridesShipped: z.boolean() },
      annotations: { title: "Save skill", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const compiled = await transpileScript(args.code);
        if (!compiled.ok) throw new PerfError("USAGE", compiled.message, { hint: "Fix the code; nothing was saved." });
        const parameters = args.parameters.map((p) => ({ name: p.name, type: p.type, required: p.required, description: p.description, ...(p.default !== undefined ? { default: p.default } : {}) }));
        const saved = await saveSkill(context.root, { name: args.name, description: args.description, code: args.code, parameters, body: args.readme ?? "", overwrite: args.overwrite });
        const overridesShipped = (await listSkills(dirs)).skills.some((s) => s.name === args.name && s.overridesShipped);
        const text = `Saved skill ${args.name} in ${saved.dir}${overridesShipped ? " (it replaces the shipped skill of that name)" : ""}. Run it with run_skill { name: "${args.name}", args: {…} }.`;
        return buildToolResult(text, { code: saved.files[0]!, manifest: saved.files[1]! }, { name: args.name, dir: saved.dir, files: saved.files, overridesShipped });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "list_skills",
    {
      title: "List the analysis skills",
      description: "Lists the skills run_skill can run: shipped with perfscope and saved in this project (which replace shipped ones of the same name), each with its description and arguments.",
      inputSchema: {},
      outputSchema: {
        skills: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean(), default: z.unknown().optional(), description: z.string() })), where: z.enum(["shipped", "project"]), overridesShipped: z.boolean(), file: z.string() })),
        problems: z.array(z.string()),
      },
      annotations: { title: "List skills", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async () => {
      try {
        const { skills, problems } = await listSkills(dirs);
        const lines = skills.map((s) => `${s.name} (${s.where}${s.overridesShipped ? ", replaces shipped" : ""}): ${s.manifest.description} — args: ${s.manifest.parameters.map((p) => `${p.name}${p.required ? "" : "?"}: ${p.type}`).join(", ") || "none"}`);
        if (problems.length > 0) lines.push(`Unreadable: ${problems.join("; ")}`);
        const structured = { skills: skills.map((s) => ({ name: s.name, description: s.manifest.description, parameters: s.manifest.parameters, where: s.where, overridesShipped: s.overridesShipped, file: s.manifestFile })), problems };
        return buildToolResult(lines.join("\n") || "No skills.", {}, structured);
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "run_skill",
    {
      title: "Run a saved analysis skill",
      description: "Runs a skill (see list_skills) in the sandbox exactly like run_script, with `args` as the script's global `args` (defaults from its SKILL.md filled in; unknown or missing arguments are refused). Returns what it printed.",
      inputSchema: {
        name: z.string().regex(/^[a-z0-9-]{1,64}$/),
        args: z.record(z.unknown()).default({}),
        timeoutMs: z.number().int().min(100).max(maxTimeoutMs).optional(),
        memoryMb: z.number().int().min(16).max(options.maxMemoryMb ?? 2048).optional(),
      },
      outputSchema: { ...scriptOutputShape, skill: z.object({ name: z.string(), where: z.enum(["shipped", "project"]) }) },
      annotations: { title: "Run skill", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const skill = await loadSkill(dirs, args.name);
        const resolved = resolveSkillArgs(skill.manifest, args.args);
        const result = await runScriptCall(options, services, context.runDir(`skill-${skill.name}`), { code: skill.code, timeoutMs: args.timeoutMs, memoryMb: args.memoryMb, args: resolved }, extra);
        return { ...result, structuredContent: { ...result.structuredContent, skill: { name: skill.name, where: skill.where } } };
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
