import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ProfileAnalysis } from "../../profile/analyze/analyze-profile.js";
import { analyzeProfileFile, listRunFiles, profile, type ProfileRunResult } from "../../profile/run-profile.js";
import { renderProfileSummary } from "../../report/profile-report.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "./context.js";

const bottleneckShape = z.object({
  rank: z.number(),
  function: z.string(),
  file: z.string().nullable(),
  line: z.number().nullable(),
  kind: z.string(),
  selfMs: z.number().nullable(),
  totalMs: z.number().nullable(),
  selfShare: z.number(),
  totalShare: z.number(),
  selfShareCi: z.tuple([z.number(), z.number()]),
});

const findingShape = z.object({ id: z.string(), severity: z.string(), title: z.string(), suggestion: z.string() });

/** The structured result both profile tools return: insights and file paths, never samples. */
export const profileOutputShape = {
  target: z.string().nullable(),
  samples: z.number(),
  totalMs: z.number().nullable(),
  partial: z.string().nullable(),
  split: z.record(z.number()),
  bottlenecks: z.array(bottleneckShape),
  heaviestPaths: z.array(z.object({ stack: z.array(z.string()), share: z.number() })),
  findings: z.array(findingShape),
  outDir: z.string(),
  files: z.record(z.string()),
  exitCode: z.number().nullable(),
  notes: z.array(z.string()),
};

function toStructured(result: ProfileRunResult) {
  const a: ProfileAnalysis = result.analysis;
  return {
    target: a.profile.target ?? a.profile.name,
    samples: a.profile.samples,
    totalMs: a.profile.totalMs,
    partial: a.profile.partial,
    split: a.split,
    bottlenecks: a.bottlenecks.map(({ rank, function: fn, file, line, kind, selfMs, totalMs, selfShare, totalShare, selfShareCi }) => ({
      rank, function: fn, file, line, kind, selfMs, totalMs, selfShare, totalShare, selfShareCi,
    })),
    heaviestPaths: a.heaviestPaths.slice(0, 5).map((p) => ({ stack: p.stack.slice(-12), share: p.share })),
    findings: a.findings.flatMap((f) => (f.status === "ok" ? [{ id: f.id, severity: f.severity, title: f.title, suggestion: f.suggestion }] : [])),
    outDir: result.outDir,
    files: listRunFiles(result),
    exitCode: result.exitCode,
    notes: result.notes,
  };
}

function respond(result: ProfileRunResult, top: number) {
  const structured = toStructured(result);
  const notes = result.notes.map((n) => `\nNote: ${n}`).join("");
  const exit = result.exitCode !== null && result.exitCode !== 0 ? `\nThe target exited with code ${result.exitCode}${result.outputFile ? `; its output: ${result.outputFile}` : ""}.` : "";
  const summary = `${renderProfileSummary(result.analysis, Math.min(top, 5))}${exit}${notes}\nFlame graph: ${result.files.flamegraphHtml}`;
  const links: Record<string, string> = { flamegraph: result.files.flamegraphHtml, analysis: result.files.analysis, profile: result.files.profile };
  if (result.outputFile) links.output = result.outputFile;
  return buildToolResult(summary, links, structured);
}

export function registerProfileTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "profile",
    {
      title: "CPU profile a program or process",
      description:
        "Records a CPU profile of a command (run to the end, or for `duration`) or of a running PID, then returns the top bottlenecks (self time share with 95% CI, source location), the time split (idle/GC/JS/native/kernel) and findings. Full profile and flame graph are saved to files (linked), not returned.",
      inputSchema: {
        target: z.union([z.string(), z.array(z.string()), z.number().int().positive()]).describe('Command ("node app.js" or ["node","app.js"]) or a PID'),
        duration: z.union([z.number().positive(), z.string()]).optional().describe("Seconds, or a string like 30s; required for a PID"),
        sampleRate: z.number().positive().max(100000).optional().describe("Sampling rate in Hz"),
        collector: z.enum(["auto", "inspector", "perf"]).optional(),
        top: z.number().int().positive().max(50).optional(),
        out: z.string().optional().describe("Run folder name under .perfscope/runs/ (default: a fresh one)"),
      },
      outputSchema: profileOutputShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const top = args.top ?? 10;
        const progressToken = extra._meta?.progressToken;
        const result = await profile({
          target: args.target,
          ...(args.duration !== undefined ? { duration: args.duration } : {}),
          ...(args.sampleRate !== undefined ? { sampleRate: args.sampleRate } : {}),
          ...(args.collector ? { collector: args.collector } : {}),
          out: context.runDir("profile", args.out),
          signal: extra.signal,
          stdio: "pipe",
          top,
          onProgress: (e) => {
            if (progressToken === undefined) return;
            void extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken, progress: e.elapsedMs / 1000, message: `${e.phase}${e.samples !== undefined ? `, ${e.samples} samples` : ""}` },
            });
          },
        });
        return respond(result, top);
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "analyze_profile",
    {
      title: "Analyse a saved profile",
      description:
        "Imports a saved profile (V8 .cpuprofile, perf script text, folded stacks, perfscope profile.json), returns the top bottlenecks, time split and findings, and writes flame graphs (linked).",
      inputSchema: {
        file: z.string().describe("Path to the profile file"),
        top: z.number().int().positive().max(50).optional(),
        out: z.string().optional().describe("Run folder name under .perfscope/runs/ (default: a fresh one)"),
      },
      outputSchema: profileOutputShape,
      // Not read-only: it writes the flame graphs and analysis into a new run folder.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const top = args.top ?? 10;
        const result = await analyzeProfileFile(context.resolvePath(args.file), { top, out: context.runDir("analyze", args.out) });
        return respond(result, top);
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
