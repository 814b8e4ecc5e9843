import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { findBreakingPointForTarget } from "../../load/analyze/breaking-point-target.js";
import type { LoadOptions, LoadResult } from "../../load/model.js";
import { runLoadTest } from "../../load/run-load-test.js";
import { analyzeLoadResult } from "../../load/analyze/findings.js";
import { renderBreakingPointSummary, renderLoadHtml, renderLoadSummary } from "../../report/load-report.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "./context.js";

// Load runs from an agent are always bounded and on loopback: no allowRemote here.
const loadInput = {
  target: z.string().url().describe("URL on this machine (127.0.0.1, localhost, ::1)"),
  concurrency: z.number().int().positive().max(10_000).optional().describe("Connections (closed model unless requestsPerSecond is set)"),
  requestsPerSecond: z.number().positive().max(1_000_000).optional().describe("Open model arrival rate; latency measured from intended send times"),
  arrival: z.enum(["constant", "poisson"]).optional(),
  duration: z.union([z.number().positive().max(3600), z.string()]).optional().describe("Seconds or '30s'; a run needs duration or maxRequests"),
  maxRequests: z.number().int().positive().max(100_000_000).optional(),
  method: z.string().optional(),
  headers: z.record(z.string()).optional(),
  body: z.string().optional(),
  thresholds: z.array(z.string()).optional().describe("k6-style, e.g. p95<200ms, errors<1%"),
  out: z.string().optional().describe("Run folder name under .perfscope/runs/"),
};

const latencyShape = z.object({ p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), p999: z.number(), max: z.number(), mean: z.number() });

const loadOutput = {
  target: z.string(),
  throughput: z.number(),
  requests: z.object({ sent: z.number(), completed: z.number(), ok: z.number(), errors: z.number() }),
  latencyMs: latencyShape,
  latencyUncorrectedMs: latencyShape,
  errors: z.record(z.number()),
  statusCodes: z.record(z.number()),
  generatorSaturated: z.boolean(),
  thresholds: z.array(z.object({ expression: z.string(), ok: z.boolean(), actual: z.number().nullable() })),
  partial: z.string().nullable(),
  files: z.record(z.string()),
};

function pickLatency(l: LoadResult["latency"]) {
  return { p50: l.p50, p90: l.p90, p95: l.p95, p99: l.p99, p999: l.p999, max: l.max, mean: l.mean };
}

function toOptions(args: z.objectOutputType<typeof loadInput, z.ZodTypeAny>): LoadOptions {
  const { out: _out, ...rest } = args;
  return rest as LoadOptions;
}

export function registerLoadTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "load_test",
    {
      title: "Load-test a local HTTP service",
      description:
        "Runs a bounded load test (closed model with `concurrency`, or open model with `requestsPerSecond`) against a URL on this machine and returns throughput, latency percentiles (corrected for coordinated omission in the open model, with the uncorrected view), errors by kind, status codes, thresholds and a generator self-check. The full result and an HTML chart are saved (linked).",
      inputSchema: loadInput,
      outputSchema: loadOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const dir = context.runDir("load", args.out);
        const result = await runLoadTest({ ...toOptions(args), signal: extra.signal });
        await mkdir(dir, { recursive: true });
        const files = { result: join(dir, "load-result.json"), html: join(dir, "load-report.html") };
        await writeFile(files.result, JSON.stringify(result, null, 2));
        await writeFile(files.html, renderLoadHtml(result));
        return buildToolResult(renderLoadSummary(result, analyzeLoadResult(result)), files, {
          target: result.target,
          throughput: result.throughput,
          requests: result.requests,
          latencyMs: pickLatency(result.latency),
          latencyUncorrectedMs: pickLatency(result.latencyUncorrected),
          errors: result.errors,
          statusCodes: result.statusCodes,
          generatorSaturated: result.generator.saturated,
          thresholds: result.thresholds.map((t) => ({ expression: t.expression, ok: t.ok, actual: t.actual })),
          partial: result.partial?.reason ?? null,
          files,
        });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "find_breaking_point",
    {
      title: "Find where a local HTTP service breaks",
      description:
        "Runs bounded load tests at increasing levels (connections, or req/s when `kind` is rate) and reports the level where throughput stops rising, latency bends up, or errors pass the limit, with the evidence per level.",
      inputSchema: {
        ...loadInput,
        levels: z.array(z.number().positive()).min(2).max(20).describe("e.g. [10, 50, 100, 200, 500]"),
        kind: z.enum(["concurrency", "rate"]).optional(),
        errorRateLimit: z.number().min(0).max(1).optional(),
        latencyLimitMs: z.number().positive().optional(),
      },
      outputSchema: {
        breakingLevel: z.number().nullable(),
        lastGoodLevel: z.number().nullable(),
        reason: z.string().nullable(),
        levels: z.array(
          z.object({ level: z.number(), throughput: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), errorRate: z.number(), verdict: z.enum(["ok", "degraded"]) }).passthrough(),
        ),
        evidence: z.array(z.string()),
        stopped: z.string().nullable(),
        file: z.string(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const { levels, kind, errorRateLimit, latencyLimitMs, ...rest } = args;
        const dir = context.runDir("breaking-point", args.out);
        const bp = await findBreakingPointForTarget({ ...toOptions(rest), signal: extra.signal }, levels, kind ?? "concurrency", {
          ...(errorRateLimit !== undefined ? { errorRateLimit } : {}),
          ...(latencyLimitMs !== undefined ? { latencyLimitMs } : {}),
        });
        await mkdir(dir, { recursive: true });
        const file = join(dir, "breaking-point.json");
        await writeFile(file, JSON.stringify(bp, null, 2));
        return buildToolResult(renderBreakingPointSummary(bp), { result: file }, { ...bp, file } as unknown as Record<string, unknown>);
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
