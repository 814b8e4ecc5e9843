/**
 * The shipped skills top-bottlenecks and version-regressions, run through run_skill on an
 * in-process MCP server against real targets: the repository's planted-hotspot example,
 * and a throwaway git repository whose v1.1.0 renders three times slower.
 */
import { readFileSync, rmSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { makeVersionedRepo } from "../../../bench/fixtures/versioned-repo.mjs";
import { callTool, NO_ACCESS, startScriptServer, textOf, type ScriptServer } from "./test-helpers/script-server.js";

const hotspot = fileURLToPath(new URL("../../../examples/hotspot.js", import.meta.url));
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanup.splice(0)) await f();
});

describe.concurrent("starter skills on real targets (CPU, benchmarks)", () => {
  it("top-bottlenecks names checksumOrders, the planted hotspot, first, with its file:line", async () => {
    const s: ScriptServer = await startScriptServer({ policy: { ...NO_ACCESS, allowedCommands: [`node ${hotspot}`] } });
    cleanup.push(s.close);
    const r = await callTool(s.client, "run_skill", { name: "top-bottlenecks", args: { command: ["node", hotspot] } });
    const text = textOf(r);
    expect(r.isError, text).toBeFalsy();
    const lines = text.split("\n");
    const ranked = lines.filter((l) => /^ {2}\d+\. /.test(l));
    expect(ranked.length).toBeGreaterThanOrEqual(2);
    expect(ranked.length).toBeLessThanOrEqual(5);
    const definedAt = readFileSync(hotspot, "utf8").split("\n").findIndex((l) => l.startsWith("function checksumOrders")) + 1;
    expect(ranked[0]).toContain("1. checksumOrders");
    expect(ranked[0]).toContain(`hotspot.js:${definedAt}`);
    // The first share is larger than the second: a ranking, not a list.
    const share = (l: string) => Number(/— (?:\d+ ms, )?([\d.]+)%/.exec(l)![1]);
    expect(share(ranked[0]!)).toBeGreaterThan(share(ranked[1]!));
    expect(text).toContain("Start with checksumOrders");
    // The conclusion is short; the profile and flame graph stayed in files.
    expect(Buffer.byteLength(text)).toBeLessThan(1500);
    const files = (r.structuredContent!.files as { path: string; bytes: number }[]).map((f) => f.path);
    expect(files.some((f) => f.endsWith(".cpuprofile"))).toBe(true);
    expect(files.some((f) => f.endsWith(".html"))).toBe(true);
  }, 60_000);

  it("version-regressions names render_time slower in v1.1.0 and faster again in v1.2.0, and nothing else", async () => {
    const repo = mkdtempSync(join(tmpdir(), "perfscope-skill-versions-"));
    cleanup.push(() => rmSync(repo, { recursive: true, force: true }));
    makeVersionedRepo(repo, [{ tag: "v1.0.0" }, { tag: "v1.1.0", scale: { render_time: 300 } }, { tag: "v1.2.0" }]);
    const s = await startScriptServer({ root: repo });
    cleanup.push(s.close);
    const r = await callTool(s.client, "run_skill", { name: "version-regressions", args: { versions: ["v1.0.0", "v1.1.0", "v1.2.0"], tests: ["render_time", "api_latency"], processes: 5, timeMs: 100 } });
    const text = textOf(r);
    expect(r.isError, text).toBeFalsy();
    const [regressions, improvements] = text.split("Improvements:");
    expect(regressions).toMatch(/Regressions \(1 of 4 comparisons/);
    expect(regressions).toMatch(/render_time: v1\.0\.0 → v1\.1\.0 (2\.\d\d|3\.\d\d)× slower \[95% CI [\d.]+×–[\d.]+×\], p = /);
    expect(regressions).not.toContain("api_latency");
    expect(improvements).toMatch(/render_time: v1\.1\.0 → v1\.2\.0 0\.\d\d× faster/);
    const history = (r.structuredContent!.files as { path: string }[]).find((f) => f.path === "benchmarks/performance-history.json");
    expect(history).toBeDefined();
    const saved = JSON.parse(readFileSync(join(r.structuredContent!.workspace as string, history!.path), "utf8")) as { version: string; benchmarks: Record<string, { medianNs: number }> }[];
    expect(saved.map((v) => v.version)).toEqual(["v1.0.0", "v1.1.0", "v1.2.0"]);
    expect(saved[1]!.benchmarks.render_time!.medianNs).toBeGreaterThan(2 * saved[0]!.benchmarks.render_time!.medianNs);
    expect(existsSync(join(r.structuredContent!.workspace as string, "versions"))).toBe(true);
  }, 120_000);
});
