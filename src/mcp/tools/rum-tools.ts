import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { renderRumReportTerminal } from "../../report/rum-report.js";
import { RUM_METRICS } from "../../web/rum/model.js";
import { openRumStore } from "../../web/rum/open-rum-store.js";
import { getRumData } from "../../web/rum/query/get-rum-data.js";
import type { RumQuery } from "../../web/rum/query/rum-report.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "./context.js";

const metricName = z.enum(RUM_METRICS);
const stats = z.object({ count: z.number(), p75: z.number().nullable(), rating: z.string().nullable(), distribution: z.object({ good: z.number(), needsImprovement: z.number(), poor: z.number() }) }).passthrough();

export function registerRumTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "get_rum_data",
    {
      title: "Real-user Core Web Vitals from the RUM store",
      description:
        "Field data collected by `perfscope rum serve` from real browsers: per metric (LCP, INP, CLS, FCP, TTFB) the count, p50/p75/p95 (from histograms, 1% accuracy), the good / needs-improvement / poor shares as CrUX counts them and the p75's rating; optional groups (route, device, connection, navigationType, day); the slowest routes by p75; the most common LCP elements, INP targets and largest shifts; the daily p75 trend with a significance-tested regression verdict. With sampleSize, page views (one row each: lcp, inp, cls, fcp, ttfb) are written to a linked JSON file, not returned inline.",
      inputSchema: {
        metric: z.union([z.literal("core_web_vitals"), metricName, z.array(metricName).min(1)]).default("core_web_vitals").describe('"core_web_vitals" (LCP, INP, CLS), one metric, or a list'),
        timeRange: z.enum(["30m", "24h", "7d", "30d"]).default("24h"),
        groupBy: z.enum(["route", "device", "connection", "navigationType", "day"]).optional(),
        percentiles: z.array(z.number().gt(0).max(100)).max(10).optional().describe("default [50, 75, 95]"),
        filters: z.object({ route: z.string().max(500).optional(), device: z.enum(["mobile", "tablet", "desktop", "unknown"]).optional(), connection: z.enum(["slow-2g", "2g", "3g", "4g", "unknown"]).optional() }).optional(),
        limit: z.number().int().min(1).max(200).optional().describe("longest list of groups, routes, targets (default 20)"),
        sampleSize: z.number().int().min(1).max(100_000).optional().describe("also save up to N recent page views to a file"),
      },
      outputSchema: {
        timeRange: z.object({ from: z.string(), to: z.string() }),
        metrics: z.record(stats),
        samplesFile: z.string().optional(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const store = await openRumStore(context.rumStore, { cwd: context.root });
        try {
          const query: RumQuery = {
            metric: args.metric,
            timeRange: args.timeRange,
            ...(args.groupBy ? { groupBy: args.groupBy } : {}),
            ...(args.percentiles ? { percentiles: args.percentiles } : {}),
            ...(args.filters ? { filters: args.filters } : {}),
            ...(args.limit ? { limit: args.limit } : {}),
            ...(args.sampleSize ? { sampleSize: args.sampleSize } : {}),
          };
          const report = await getRumData(store, query);
          const { samples, ...rest } = report;
          const files: Record<string, string> = {};
          if (samples) {
            const dir = context.runDir("rum");
            await mkdir(dir, { recursive: true });
            files.samples = join(dir, "rum-samples.json");
            await writeFile(files.samples, JSON.stringify(samples));
          }
          const summary = renderRumReportTerminal(rest) + (samples ? `\n${samples.length} page views saved to ${files.samples}` : "");
          return buildToolResult(summary, files, { ...rest, ...(files.samples ? { samplesFile: files.samples } : {}) });
        } finally {
          await store.close();
        }
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
