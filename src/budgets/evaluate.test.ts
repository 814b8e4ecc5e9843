import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLoadResult } from "../load/analyze/test-helpers/load-result.js";
import { parseBudgetText } from "./budget-file.js";
import { evaluateBudgets, exitCodeForBudgetReport } from "./evaluate.js";
import type { BudgetResults } from "./model.js";
import { buildBenchRun, buildComparison } from "./test-helpers/bench-run.js";

const cwd = mkdtempSync(join(tmpdir(), "perfscope-evaluate-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const budgets = (...entries: object[]) => parseBudgetText(JSON.stringify({ budgets: entries }, null, 2), join(cwd, "perfscope.budget.json"));

const bench = buildBenchRun([
  { name: "json roundtrip", median: 1_500_000, p95: 2_400_000, cv: 0.04 },
  { name: "sort", median: 3_000_000, params: { n: "1000" } },
  { state: "errored", name: "flaky", kind: "function", source: "bench/x.ts", error: { message: "boom" } },
]);

describe("evaluateBudgets: bench", () => {
  const results: BudgetResults = { bench, cwd, sources: { bench: join(cwd, ".perfscope/runs/x-bench/bench-run.json") } };

  it("passes and fails on the named benchmark, in ms, with the margin's sign", () => {
    const report = evaluateBudgets(budgets({ metric: "bench.median", benchmark: "json roundtrip", max: "2ms" }, { metric: "bench.p95", benchmark: "json roundtrip", max: "2ms" }), results);
    const [median, p95] = report.entries;
    expect(median).toMatchObject({ status: "pass", actual: { value: 1.5, unit: "duration" }, selector: 'benchmark "json roundtrip"' });
    expect(median!.margin).toBeCloseTo(0.25);
    expect(p95).toMatchObject({ status: "fail", actual: { value: 2.4 } });
    expect(p95!.margin).toBeCloseTo(-0.2);
    expect(median!.evidence).toContain(".perfscope/runs/x-bench/bench-run.json");
    expect(median!.note).toMatch(/n=3/);
    expect(report.verdict).toBe("fail");
    expect(exitCodeForBudgetReport(report)).toBe(1);
  });

  it('"*" gives one entry per benchmark; an errored benchmark is no-data, never a pass', () => {
    const report = evaluateBudgets(budgets({ metric: "bench.median", benchmark: "*", max: "2ms" }), results);
    expect(report.entries.map((e) => [e.selector, e.status])).toEqual([
      ['benchmark "json roundtrip"', "pass"],
      ['benchmark "sort [n=1000]"', "fail"],
      ['benchmark "flaky"', "no-data"],
    ]);
    expect(report.entries[2]!.note).toContain("boom");
    expect(report.summary).toEqual({ total: 3, pass: 1, fail: 1, noData: 1 });
  });

  it("matches names with parameters and globs; cv reads as a ratio", () => {
    const report = evaluateBudgets(budgets({ metric: "bench.mean", benchmark: "sort [n=1000]", max: "10ms" }, { metric: "bench.cv", benchmark: "json*", max: "3%" }), results);
    expect(report.entries[0]).toMatchObject({ status: "pass", actual: { value: 3.06 } });
    expect(report.entries[1]).toMatchObject({ status: "fail", actual: { value: 0.04, unit: "ratio" } });
  });

  it("is no-data for a missing benchmark, a missing run, and a wildcard over no benchmarks", () => {
    const missing = evaluateBudgets(budgets({ metric: "bench.median", benchmark: "nope", max: "2ms" }), results).entries[0]!;
    expect(missing).toMatchObject({ status: "no-data", actual: null, margin: null });
    expect(missing.note).toContain("json roundtrip");
    expect(evaluateBudgets(budgets({ metric: "bench.median", benchmark: "x", max: "2ms" }), { cwd }).entries[0]!.note).toMatch(/no bench run found/);
    const empty = evaluateBudgets(budgets({ metric: "bench.median", benchmark: "*", max: "2ms" }), { cwd, bench: buildBenchRun([]) });
    expect(empty.entries).toEqual([expect.objectContaining({ status: "no-data", note: "the bench run has no benchmarks" })]);
    expect(empty.verdict).toBe("no-data");
    expect(exitCodeForBudgetReport(empty)).toBe(0);
    expect(exitCodeForBudgetReport(empty, { strict: true })).toBe(1);
  });

  it("bench.regression reads the comparisons; without them it is no-data", () => {
    const file = budgets({ metric: "bench.regression", benchmark: "*", max: "5%" });
    const comparisons = [buildComparison("json roundtrip", 1.02), buildComparison("sort", 1.12, [1.03, 1.2])];
    const report = evaluateBudgets(file, { cwd, bench, benchComparisons: comparisons });
    expect(report.entries.map((e) => e.status)).toEqual(["pass", "fail"]);
    expect(report.entries[0]!.actual!.value).toBeCloseTo(0.02);
    expect(report.entries[1]!.margin).toBeCloseTo((0.05 - 0.12) / 0.05);
    // The sort CI (3%…20%) spans the 5% limit.
    expect(report.entries[1]!.note).toMatch(/inconclusive/);
    expect(report.entries[0]!.note).not.toMatch(/inconclusive/);
    const none = evaluateBudgets(file, { cwd, bench });
    expect(none.entries).toEqual([expect.objectContaining({ status: "no-data", note: expect.stringMatching(/no comparison/) })]);
  });
});

describe("evaluateBudgets: load, web and bundle", () => {
  const load = buildLoadResult({ latency: { p50: 40, p95: 120, p99: 300 }, completed: 1000, errors: { timeout: 20 }, throughput: 850 });

  it("reads latency, error rate and throughput from the LoadResult", () => {
    const report = evaluateBudgets(
      budgets({ metric: "load.p95", max: "150ms" }, { metric: "load.p99", max: "0.25s" }, { metric: "load.errorRate", max: "1%" }, { metric: "load.rps", min: 1000 }, { metric: "load.p50", min: "10ms", max: "50ms" }),
      { cwd, load },
    );
    const [p95, p99, errorRate, rps, p50] = report.entries;
    expect(p95).toMatchObject({ status: "pass", actual: { value: 120 } });
    expect(p95!.margin).toBeCloseTo(0.2);
    expect(p99).toMatchObject({ status: "fail", actual: { value: 300 } });
    expect(errorRate).toMatchObject({ status: "fail", actual: { value: 0.02, text: "2%" } });
    expect(errorRate!.note).toContain("20 of 1000 requests failed");
    expect(rps).toMatchObject({ status: "fail", actual: { value: 850 } });
    expect(rps!.margin).toBeCloseTo(-0.15);
    expect(p50).toMatchObject({ status: "pass" });
    expect(p50!.margin).toBeCloseTo(0.2);
  });

  it("says when the run was partial or the generator saturated; no load run is no-data", () => {
    const partial = buildLoadResult({ partial: { reason: "interrupted" }, generator: { saturated: true } });
    const note = evaluateBudgets(budgets({ metric: "load.p95", max: "1s" }), { cwd, load: partial }).entries[0]!.note;
    expect(note).toMatch(/partial run: interrupted/);
    expect(note).toMatch(/saturated/);
    expect(evaluateBudgets(budgets({ metric: "load.p95", max: "1s" }), { cwd }).entries[0]).toMatchObject({ status: "no-data", note: expect.stringMatching(/no load result/) });
  });

  it("web vitals without field data are no-data with a note, never a pass", () => {
    const report = evaluateBudgets(budgets({ metric: "web.lcp", page: "/", max: "2.5s" }, { metric: "web.cls", page: "/", max: 0.1 }), { cwd, load });
    expect(report.entries.map((e) => e.status)).toEqual(["no-data", "no-data"]);
    expect(report.entries[0]!.note).toMatch(/no field data.*perfscope rum serve/);
    expect(report.verdict).toBe("no-data");
  });

  it("bundle.size measures the files now; gzip is smaller than raw", () => {
    mkdirSync(join(cwd, "dist"), { recursive: true });
    const source = "export const x = 'perfscope';\n".repeat(2000);
    writeFileSync(join(cwd, "dist", "main.js"), source);
    const report = evaluateBudgets(
      budgets({ metric: "bundle.size", path: "dist/**/*.js", max: "50 KB" }, { metric: "bundle.size", path: "dist/**/*.js", max: "50 KB", gzip: true }, { metric: "bundle.size", path: "build/*.js", max: "1 KB" }),
      { cwd },
    );
    const [raw, gzip, none] = report.entries;
    expect(raw).toMatchObject({ status: "fail", actual: { value: Buffer.byteLength(source), unit: "bytes" } });
    expect(gzip).toMatchObject({ status: "pass", selector: 'path "dist/**/*.js" (gzip)' });
    expect(gzip!.actual!.value).toBeLessThan(raw!.actual!.value / 10);
    expect(none).toMatchObject({ status: "no-data", note: expect.stringMatching(/no files match "build\/\*\.js"/) });
  });
});
