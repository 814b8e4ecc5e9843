import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeShopPageViews } from "../web/rum/test-helpers/shop-page-views.js";
import { openRumStore } from "../web/rum/open-rum-store.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");

// The brief's fourth example through the built MCP server: 24 h of real-user Core Web Vitals,
// p75 per metric scored against the thresholds, and the slowest pages, with the raw page views
// kept out of the agent's context (a linked file).
describe("get_rum_data (MCP, built server)", () => {
  let root: string;
  let client: Client;
  const views = 3000;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "perfscope-mcp-rum-"));
    const store = await openRumStore(undefined, { cwd: root });
    // Checkout is slow to paint (LCP ~4.5 s), the others fast; INP and CLS fine everywhere.
    const events = makeShopPageViews(views, 20_000);
    await store.insertEvents(events);
    await store.close();
    client = new Client({ name: "perfscope-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, "mcp", "--root", root], stderr: "pipe" }));
  });

  afterAll(async () => {
    await client?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("answers with p75s, ratings and the slowest page; page views go to a linked file", async () => {
    const result = await client.callTool({ name: "get_rum_data", arguments: { metric: "core_web_vitals", timeRange: "24h", sampleSize: 10000 } });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as { metrics: Record<string, { count: number; p75: number; rating: string; slowestRoutes: { routes: { route: string }[] } }>; samplesFile: string };
    expect(Object.keys(s.metrics).sort()).toEqual(["CLS", "INP", "LCP"]);
    expect(s.metrics.LCP!.count).toBe(views);
    // A third of the views are slow checkouts above 4 s: the p75 sits among them.
    expect(s.metrics.LCP!.p75).toBeGreaterThan(4000);
    expect(s.metrics.LCP!.rating).toBe("poor");
    expect(s.metrics.INP!.rating).toBe("good");
    expect(s.metrics.CLS!.rating).toBe("good");
    expect(s.metrics.LCP!.slowestRoutes.routes[0]!.route).toBe("/checkout");
    const samples = JSON.parse(readFileSync(s.samplesFile, "utf8")) as { lcp?: number; route: string }[];
    expect(samples.length).toBe(views);
    expect(samples.filter((v) => (v.lcp ?? 0) > 4000).every((v) => v.route === "/checkout")).toBe(true);
    const content = result.content as { type: string; text?: string; uri?: string }[];
    expect(Buffer.byteLength(content.find((c) => c.type === "text")!.text!)).toBeLessThanOrEqual(2048);
    expect(content.some((c) => c.type === "resource_link" && existsSync(fileURLToPath(c.uri!)))).toBe(true);
    // The 3,000 page views stayed on disk: the answer is small.
    expect(JSON.stringify(result).length).toBeLessThan(12_000);
  });

  it("a bad argument is a tool error, not a crash", async () => {
    const result = await client.callTool({ name: "get_rum_data", arguments: { metric: "FID" } });
    expect(result.isError).toBe(true);
  });
});
