import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { buildBenchRun, buildComparison } from "../../budgets/test-helpers/bench-run.js";
import { buildLoadResult } from "../../load/analyze/test-helpers/load-result.js";
import type { CliIo } from "../io.js";
import { runCheckCommand } from "./check.js";

function captureIo(): { io: CliIo; out: () => string; err: () => string } {
  const sink = () => {
    let text = "";
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    return { stream, text: () => text };
  };
  const stdout = sink();
  const stderr = sink();
  return { io: { stdout: stdout.stream, stderr: stderr.stream }, out: stdout.text, err: stderr.text };
}

async function check(argv: string[]) {
  const cap = captureIo();
  const code = await runCheckCommand(argv, cap.io);
  return { code, stdout: cap.out(), stderr: cap.err() };
}

const work = mkdtempSync(join(tmpdir(), "perfscope-check-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, value: unknown): void {
  const file = join(work, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));
}

// A project with a bench run (and comparisons) and a load run, as the commands save them.
const benchDir = ".perfscope/runs/2025-01-02T10-00-00-000Z-bench";
write(`${benchDir}/bench-run.json`, buildBenchRun([{ name: "json roundtrip", median: 1_500_000 }, { name: "sort", median: 900_000 }]));
write(`${benchDir}/comparisons.json`, [buildComparison("json roundtrip", 1.01), buildComparison("sort", 1.02)]);
write(".perfscope/runs/2025-01-02T11-00-00-000Z-load/load-result.json", buildLoadResult({ latency: { p50: 30, p95: 120 }, throughput: 1500 }));

const passing = {
  budgets: [
    { metric: "bench.median", benchmark: "json roundtrip", max: "2ms" },
    { metric: "bench.regression", benchmark: "*", max: "5%" },
    { metric: "load.p95", max: "150ms" },
    { metric: "load.rps", min: 1000 },
  ],
};
write("pass.budget.json", passing);
write("perfscope.budget.json", passing);
write("fail.budget.json", { budgets: [...passing.budgets, { metric: "load.p95", max: "100ms" }] });
write("nodata.budget.json", { budgets: [...passing.budgets, { metric: "web.lcp", page: "/", max: "2.5s" }] });
write("unknown.budget.json", '{\n  "budgets": [\n    { "metric": "load.p95", "max": "1s" },\n    { "metric": "load.p96", "max": "1s" }\n  ]\n}');
write("broken.budget.json", '{ "budgets": [ { "metric": "load.p95", } ] }');

describe("perfscope check", () => {
  it("exits 0 when every budget passes, reading the newest runs under --cwd", async () => {
    const r = await check(["--cwd", work]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Performance budgets: All 5 budgets passed/);
    expect(r.stdout).toContain('benchmark "sort"');
    expect(r.stderr).toBe("");
  });

  it("exits 1 on a breach, and the markdown names the failing row", async () => {
    const r = await check(["--cwd", work, "--budget", "fail.budget.json", "--format", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toMatch(/^❌ \*\*Performance budgets: 1 of 6 budgets failed/);
    expect(r.stdout).toContain("| ❌ fail | `load.p95` |  | 120ms | ≤ 100ms | −20.0% |");
  });

  it("--json prints the report", async () => {
    const r = await check(["--cwd", work, "--budget", "fail.budget.json", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { verdict: string; summary: { fail: number; pass: number } };
    expect(report.verdict).toBe("fail");
    expect(report.summary).toMatchObject({ fail: 1, pass: 5 });
  });

  it("warns about no-data on stderr and exits 0; --strict makes it 1", async () => {
    const r = await check(["--cwd", work, "--budget", "nodata.budget.json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: 1 budget not checked \(no data\)/);
    expect(r.stderr).toContain('web.lcp page "/"');
    const strict = await check(["--cwd", work, "--budget", "nodata.budget.json", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/counted as failures/);
  });

  it("exits 2 on an unknown metric, naming it, the file, the line and the known metrics", async () => {
    const r = await check(["--cwd", work, "--budget", "unknown.budget.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 4: budgets[1].metric: unknown metric "load.p96"');
    expect(r.stderr).toContain(`${join(work, "unknown.budget.json")}:4`);
    expect(r.stderr).toContain("load.errorRate");
    expect(r.stdout).toBe("");
  });

  it("exits 2 on malformed JSON, a missing budget file and a bad option", async () => {
    const broken = await check(["--cwd", work, "--budget", "broken.budget.json"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/line 1, column 40/);
    const missing = await check(["--cwd", join(work, ".perfscope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No budget file/);
    expect((await check(["--cwd", work, "--format", "html"])).code).toBe(2);
    expect((await check(["--cwd", work, "--bogus"])).code).toBe(2);
  });

  it("--results reads named files; a corrupt result file exits 3", async () => {
    write("other/load.json", buildLoadResult({ latency: { p95: 400 } }));
    const r = await check(["--cwd", work, "--results", "other/load.json", "--budget", "pass.budget.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ FAIL\s+load\.p95\s+400ms/);
    // Only the load result was named: bench budgets have no data.
    expect(r.stderr).toMatch(/no bench run found/);
    write("other/load-result.json", "{ nope");
    const corrupt = await check(["--cwd", work, "--results", "other/load-result.json"]);
    expect(corrupt.code).toBe(3);
    expect(corrupt.stderr).toMatch(/load-result\.json.*line 1/);
  });

  it("--help shows options, metrics and examples", async () => {
    const r = await check(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--budget <file>/);
    expect(r.stdout).toMatch(/bundle\.size\s+bytes\s+needs "path"/);
    expect(r.stdout).toMatch(/Examples:\n\s+perfscope check/);
  });
});
