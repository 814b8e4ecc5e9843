import { spawnSync } from "node:child_process";
import { mkdtempSync, existsSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { startSlowAboveConcurrencyServer } from "../load/test-servers/index.js";

function isRunning(marker: string): boolean {
  return spawnSync("pgrep", ["-f", `long-running.mjs ${marker}`]).status === 0;
}

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");

// End to end: the built server, started over stdio by the SDK's own Client.
describe("perfscope mcp (stdio, built server)", () => {
  let client: Client;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "perfscope-mcp-"));
    client = new Client({ name: "perfscope-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, "mcp", "--root", root], stderr: "pipe" }));
  });

  afterAll(async () => {
    await client?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists the profile tools with input and output schemas", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["profile", "analyze_profile", "load_test", "find_breaking_point"]));
    expect(names).toEqual(expect.arrayContaining(["benchmark", "benchmark_versions", "bench_compare", "bench_history", "check_budgets", "get_memory_stats", "watch_memory", "find_leaks", "profile_allocations", "analyze_heap_snapshot", "get_rum_data", "run_script", "save_skill", "list_skills", "run_skill", "search_api"]));
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.outputSchema?.type).toBe("object");
      expect(typeof t.annotations?.readOnlyHint, `${t.name} annotations`).toBe("boolean");
    }
  });

  it("lets an agent find an API function and read only its domain's declarations", async () => {
    const result = await client.callTool({ name: "search_api", arguments: { query: "detect leak" } });
    expect(result.isError).toBeFalsy();
    const matches = (result.structuredContent as { matches: Array<{ name: string; resource: string }> }).matches;
    expect(matches[0]?.name).toBe("detectLeak");
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(matches[0]!.resource);
    const read = await client.readResource({ uri: matches[0]!.resource });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toContain("export declare function detectLeak(");
    expect(text).not.toContain("export declare function runLoadTest(");
  });

  it("profiles the bundled example and names its planted hotspot first, with links not samples", async () => {
    const result = await client.callTool({ name: "profile", arguments: { target: ["node", join(repo, "examples", "hotspot.js")] } }, undefined, { timeout: 60_000 });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { bottlenecks: Array<{ function: string; selfShare: number }>; files: Record<string, string> };
    expect(structured.bottlenecks[0]!.function).toBe("checksumOrders");
    expect(structured.bottlenecks[0]!.selfShare).toBeGreaterThan(0.3);
    const content = result.content as Array<{ type: string; text?: string; uri?: string }>;
    const text = content.find((c) => c.type === "text")!.text!;
    expect(text).toContain("checksumOrders");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    const links = content.filter((c) => c.type === "resource_link");
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(existsSync(fileURLToPath(l.uri!))).toBe(true);
    expect(structured.files.flamegraphHtml!.startsWith(root)).toBe(true);
    // Only insights travel: the whole answer stays small although the profile has thousands of samples.
    expect(JSON.stringify(result).length).toBeLessThan(20_000);
  });

  it("analyses a saved profile, and reports a corrupt one as a tool error with the place", async () => {
    const folded = join(root, "x.folded");
    writeFileSync(folded, "main;parse 10\nmain;render 90\n");
    const ok = await client.callTool({ name: "analyze_profile", arguments: { file: folded } });
    expect(ok.isError).toBeFalsy();
    expect((ok.structuredContent as { bottlenecks: Array<{ function: string }> }).bottlenecks[0]!.function).toBe("render");

    const broken = join(root, "broken.cpuprofile");
    writeFileSync(broken, '{"nodes":[{"id":1,"callFrame":{"functionName":"a"');
    const bad = await client.callTool({ name: "analyze_profile", arguments: { file: broken } });
    expect(bad.isError).toBe(true);
    const msg = (bad.content as Array<{ text: string }>)[0]!.text;
    expect(msg).toContain("MALFORMED_INPUT");
    expect(msg).toContain("broken.cpuprofile");
  });

  it("sends progress while profiling, and a cancelled call stops its target", async () => {
    const longRunning = join(repo, "src", "profile", "collect", "test-programs", "long-running.mjs");
    const progress: number[] = [];
    const done = await client.callTool(
      { name: "profile", arguments: { target: ["node", longRunning, "30000"], duration: 2 } },
      undefined,
      { timeout: 60_000, onprogress: (p) => progress.push(p.progress) },
    );
    expect(done.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThan(0);
    expect((done.structuredContent as { bottlenecks: Array<{ function: string }> }).bottlenecks[0]!.function).toBe("attachHotspot");

    // The program's max run time doubles as a marker to find exactly this target with pgrep.
    const marker = String(40_000 + Math.floor(Math.random() * 9_000));
    const controller = new AbortController();
    const call = client.callTool({ name: "profile", arguments: { target: ["node", longRunning, marker] } }, undefined, { signal: controller.signal, timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 2500));
    expect(isRunning(marker)).toBe(true);
    controller.abort();
    await expect(call).rejects.toThrow();
    const deadline = Date.now() + 10_000;
    while (isRunning(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(isRunning(marker)).toBe(false);
  });

  it("keeps a tool's output folder inside <root>/.perfscope/runs", async () => {
    const folded = join(root, "y.folded");
    writeFileSync(folded, "main;a 1\n");
    for (const out of ["../../../escape", "/tmp/elsewhere", ".."]) {
      const r = await client.callTool({ name: "analyze_profile", arguments: { file: "y.folded", out } });
      expect(r.isError).toBe(true);
      expect((r.content as Array<{ text: string }>)[0]!.text).toContain("USAGE");
    }
    const named = await client.callTool({ name: "analyze_profile", arguments: { file: "y.folded", out: "baseline" } });
    expect(named.isError).toBeFalsy();
    expect((named.structuredContent as { outDir: string }).outDir).toBe(join(root, ".perfscope", "runs", "baseline"));
  });

  it("load-tests a local server and finds its breaking point, returning summaries not samples", async () => {
    const server = await startSlowAboveConcurrencyServer({ concurrency: 4, serviceMs: 20 });
    try {
      const load = await client.callTool({ name: "load_test", arguments: { target: server.url, concurrency: 4, duration: 1 } }, undefined, { timeout: 60_000 });
      expect(load.isError).toBeFalsy();
      const s = load.structuredContent as { requests: { completed: number }; latencyMs: { p50: number }; files: Record<string, string> };
      expect(s.requests.completed).toBeGreaterThan(50);
      expect(s.latencyMs.p50).toBeGreaterThanOrEqual(19);
      expect(existsSync(s.files.result!)).toBe(true);
      expect(JSON.stringify(load).length).toBeLessThan(20_000);

      const bp = await client.callTool(
        { name: "find_breaking_point", arguments: { target: server.url, levels: [2, 4, 8, 16], duration: 1 } },
        undefined,
        { timeout: 120_000 },
      );
      expect(bp.isError).toBeFalsy();
      // 4 slots of 20 ms: throughput cannot rise past 200 req/s, so 8 connections is where it bends.
      expect((bp.structuredContent as { breakingLevel: number | null }).breakingLevel).toBe(8);
    } finally {
      await server.close();
    }
    const remote = await client.callTool({ name: "load_test", arguments: { target: "http://example.com/", duration: 1 } });
    expect(remote.isError).toBe(true);
  });

  it("keeps serving after a failing call", async () => {
    const missing = await client.callTool({ name: "analyze_profile", arguments: { file: join(root, "nope.cpuprofile") } });
    expect(missing.isError).toBe(true);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
  });
});
