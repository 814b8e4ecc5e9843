import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { PerfError } from "../../core/errors.js";
import { formatBytes } from "../../core/units.js";
import { profileAllocations } from "../../memory/alloc/collect-allocations.js";
import { detectLeak } from "../../memory/analyze/leak-verdict.js";
import { getMemoryStats } from "../../memory/collect/get-memory-stats.js";
import { watchMemory } from "../../memory/collect/watch-memory.js";
import { findLeaks } from "../../memory/find-leaks.js";
import { parseHeapSnapshotFile } from "../../memory/heap/parse-snapshot.js";
import { summarizeHeap } from "../../memory/heap/summarize-heap.js";
import { describeLeakVerdict, renderMemoryStatsTerminal } from "../../report/memory-report.js";
import { buildToolError, buildToolResult } from "../tool-result.js";
import type { ToolContext } from "./context.js";

const loose = z.object({}).passthrough();
const annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const targetInput = z
  .union([z.number().int().positive(), z.array(z.string()).min(1), z.string()])
  .describe("a PID, a command as an argv array (['node','server.js']) or a command line");
const loopbackUrl = z.string().url().describe("URL on this machine (127.0.0.1, localhost, ::1)");

function toTarget(target: number | string | string[]): number | string[] {
  if (typeof target === "number") return target;
  return Array.isArray(target) ? target : target.split(/\s+/).filter(Boolean);
}

export function registerMemoryTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "get_memory_stats",
    {
      title: "Memory of a process",
      description: "RSS, PSS, USS and swap of any Linux process (from /proc); for Node processes also the V8 heap by space and GC activity through the inspector. `heap_used` and `rss` are top-level, in bytes.",
      inputSchema: { pid: z.number().int().positive().optional(), process: z.string().optional().describe("process name or command-line substring") },
      outputSchema: { pid: z.number(), rss: z.number(), heap_used: z.number().nullable(), proc: loose, v8: loose.nullable(), gc: loose.nullable(), notes: z.array(z.string()) },
      annotations: { ...annotations, readOnlyHint: true },
    },
    async (args, extra) => {
      try {
        if ((args.pid === undefined) === (args.process === undefined)) throw new PerfError("USAGE", "give exactly one of pid or process", { hint: 'e.g. { "process": "web_server" } or { "pid": 4242 }' });
        const stats = await getMemoryStats(args.pid !== undefined ? { pid: args.pid } : { process: args.process! }, { signal: extra.signal });
        return buildToolResult(renderMemoryStatsTerminal(stats), {}, { pid: stats.pid, rss: stats.rss, heap_used: stats.heap_used, proc: { ...stats.proc }, v8: stats.v8 ? { ...stats.v8 } : null, gc: stats.gc ? { ...stats.gc } : null, notes: stats.notes });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "watch_memory",
    {
      title: "Watch memory and decide whether it leaks",
      description:
        "Samples a process's memory (a PID, or a command it starts) for `duration`, optionally under HTTP load on a loopback URL, and decides leak / no-leak / not-enough-data from the trend of post-GC lows (Mann–Kendall, Theil–Sen slope with a 95% CI), with growth per minute and per request. The series is saved (linked).",
      inputSchema: {
        target: targetInput,
        duration: z.union([z.number().positive().max(3600), z.string()]).describe("seconds or '60s'"),
        interval: z.union([z.number().positive(), z.string()]).optional().describe("default 1s"),
        load: loopbackUrl.optional(),
        concurrency: z.number().int().positive().max(1000).optional(),
        out: z.string().optional(),
      },
      outputSchema: { verdict: loose, samples: z.number(), ended: loose.nullable(), file: z.string() },
      annotations,
    },
    async (args, extra) => {
      try {
        const series = await watchMemory({
          target: toTarget(args.target),
          duration: args.duration,
          cwd: context.root,
          ...(args.interval !== undefined ? { interval: args.interval } : {}),
          ...(args.load ? { load: { target: args.load, concurrency: args.concurrency ?? 10, duration: args.duration } } : {}),
          signal: extra.signal,
        });
        const verdict = detectLeak(series);
        const dir = context.runDir("mem", args.out);
        await mkdir(dir, { recursive: true });
        const file = join(dir, "memory-series.json");
        await writeFile(file, JSON.stringify({ series, verdict }, null, 2));
        return buildToolResult(describeLeakVerdict(verdict), { series: file }, { verdict: { ...verdict }, samples: series.samples.length, ended: series.ended ? { ...series.ended } : null, file });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "find_leaks",
    {
      title: "Find what leaks (three heap snapshots)",
      description:
        "Takes a heap snapshot of a Node process, drives `requests` requests at a loopback URL, snapshots again, repeats, snapshots a third time, and returns the objects born between the first two that survive into the third, grouped by constructor, ranked by retained size, each with its shortest retainer path from a GC root.",
      inputSchema: { target: targetInput, load: loopbackUrl, requests: z.number().int().positive().max(1_000_000).optional(), concurrency: z.number().int().positive().max(1000).optional(), out: z.string().optional() },
      outputSchema: { groups: z.array(loose), allocatedBetween1And2: z.number(), survivingIn3: z.number(), file: z.string() },
      annotations,
    },
    async (args, extra) => {
      try {
        const result = await findLeaks({
          target: toTarget(args.target),
          action: { load: { target: args.load, concurrency: args.concurrency ?? 10, maxRequests: args.requests ?? 1000 } },
          cwd: context.root,
          out: context.runDir("leaks", args.out),
          signal: extra.signal,
        });
        const c = result.candidates;
        return buildToolResult(result.summary, { result: result.files.result }, { groups: c.groups.slice(0, 20).map((g) => ({ ...g })), allocatedBetween1And2: c.allocatedBetween1And2, survivingIn3: c.survivingIn3, file: result.files.result });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "profile_allocations",
    {
      title: "Allocation flame graph",
      description: "Samples where a Node process allocates (view 'allocated': all allocations, churn) or what stays alive (view 'retained') for `duration`, and returns the top allocation sites with bytes and share; the flame graph is saved (linked).",
      inputSchema: { target: targetInput, duration: z.union([z.number().positive().max(3600), z.string()]), view: z.enum(["allocated", "retained"]).optional(), out: z.string().optional() },
      outputSchema: { top: z.array(loose), totalBytes: z.number(), files: z.record(z.string()) },
      annotations,
    },
    async (args, extra) => {
      try {
        const target = toTarget(args.target);
        const r = await profileAllocations({ target, duration: args.duration, cwd: context.root, ...(args.view ? { view: args.view } : {}), out: context.runDir("alloc", args.out), signal: extra.signal });
        return buildToolResult(r.summary, { ...r.files }, { top: r.top.map((t) => ({ ...t })), totalBytes: r.totalBytes, files: { ...r.files } });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );

  server.registerTool(
    "analyze_heap_snapshot",
    {
      title: "Summarise a heap snapshot",
      description: "Parses a .heapsnapshot (streamed; hundreds of MB are fine), computes dominators and returns the constructors retaining the most memory.",
      inputSchema: { file: z.string(), top: z.number().int().positive().max(200).optional() },
      outputSchema: { nodeCount: z.number(), reachableSize: z.number(), top: z.array(loose) },
      annotations: { ...annotations, readOnlyHint: true, idempotentHint: true },
    },
    async (args, extra) => {
      try {
        const graph = await parseHeapSnapshotFile(context.resolvePath(args.file), { signal: extra.signal });
        const s = summarizeHeap(graph, { limit: args.top ?? 20 });
        const text = [`${s.nodeCount} objects, ${formatBytes(s.reachableSize)} reachable`, ...s.top.slice(0, 15).map((c) => `${c.className}: ${c.count} objects, ${formatBytes(c.retainedSize)} retained`)].join("\n");
        return buildToolResult(text, {}, { nodeCount: s.nodeCount, reachableSize: s.reachableSize, top: s.top.map((c) => ({ ...c })) });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
