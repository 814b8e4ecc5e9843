import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");

// The bench tools end to end through the built server, on a throwaway project.
describe("perfscope mcp bench tools", () => {
  let client: Client;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "perfscope-mcp-bench-"));
    mkdirSync(join(root, "bench"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "mcp-bench-app", type: "module" }));
    writeFileSync(
      join(root, "bench", "app.bench.mjs"),
      [
        'import { bench } from "perfscope";',
        'bench("sum", () => { let s = 0; for (let i = 0; i < 5000; i++) s += i; return s; });',
        'bench("broken", () => { throw new Error("planted failure"); });',
      ].join("\n"),
    );
    writeFileSync(join(root, "perfscope.budget.json"), JSON.stringify({ budgets: [{ metric: "bench.median", benchmark: "sum", max: "1ns" }] }));
    client = new Client({ name: "perfscope-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, "mcp", "--root", root], stderr: "pipe" }));
  });

  afterAll(async () => {
    await client?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("benchmarks, marks the throwing benchmark errored, compares runs and checks a budget", async () => {
    const run = await client.callTool({ name: "benchmark", arguments: { processes: 4, time: 40, warmup: 10 } }, undefined, { timeout: 60_000 });
    expect(run.isError).toBeFalsy();
    const s = run.structuredContent as { benchmarks: Record<string, { median: number }>; errors: { name: string; error: { message: string } }[]; file: string };
    expect(Object.keys(s.benchmarks)).toEqual(["sum"]);
    expect(s.benchmarks["sum"]!.median).toBeGreaterThan(100);
    expect(s.errors.map((e) => e.name)).toEqual(["broken"]);
    expect(s.errors[0]!.error.message).toContain("planted failure");
    expect(existsSync(s.file)).toBe(true);

    // A candidate 3× slower in every sample is called slower (process-to-process spread on a
    // busy machine can hide a smaller step from 4 processes); the run against itself is not.
    const saved = JSON.parse(readFileSync(s.file, "utf8")) as { results: { state: string; samplesByProcess?: number[][] }[] };
    for (const r of saved.results) if (r.samplesByProcess) r.samplesByProcess = r.samplesByProcess.map((g) => g.map((x) => x * 3));
    writeFileSync(join(root, "slower-run.json"), JSON.stringify(saved));
    const cmp = await client.callTool({ name: "bench_compare", arguments: { baseline: s.file, candidate: "slower-run.json" } });
    const c = cmp.structuredContent as { comparisons: { benchmark: string; verdict: string; ratio: number }[] };
    expect(c.comparisons).toEqual([expect.objectContaining({ benchmark: "sum", verdict: "slower" })]);
    expect(c.comparisons[0]!.ratio).toBeCloseTo(3, 2);
    const same = await client.callTool({ name: "bench_compare", arguments: { baseline: s.file, candidate: s.file } });
    expect((same.structuredContent as typeof c).comparisons[0]!.verdict).toBe("no-change");
    // Files outside the server's root are refused.
    const outside = await client.callTool({ name: "bench_compare", arguments: { baseline: "/etc/passwd", candidate: s.file } });
    expect(outside.isError).toBe(true);
    expect((outside.content as { text: string }[])[0]!.text).toMatch(/outside the server's root/);

    const budget = await client.callTool({ name: "check_budgets", arguments: {} });
    const b = budget.structuredContent as { passed: boolean };
    expect(b.passed).toBe(false);
    const text = (budget.content as { type: string; text?: string }[]).find((x) => x.type === "text")!.text!;
    expect(text).toMatch(/bench\.median/);
  }, 90_000);

  it("names a git ref that does not exist instead of failing silently", async () => {
    for (const args of [["init", "-q"], ["-c", "user.email=t@t.invalid", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init"]]) {
      spawnSync("git", args, { cwd: root });
    }
    const r = await client.callTool({ name: "benchmark", arguments: { version: "v9.9.9", processes: 1, time: 10, warmup: 5 } });
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]!.text).toMatch(/"v9\.9\.9" does not exist/);
  }, 30_000);
});
