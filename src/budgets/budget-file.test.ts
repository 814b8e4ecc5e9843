import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PerfError } from "../core/errors.js";
import { loadBudgetFile, parseBudgetText } from "./budget-file.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const work = mkdtempSync(join(tmpdir(), "perfscope-budget-file-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function parseError(text: string, file = "perfscope.budget.json"): PerfError {
  try {
    parseBudgetText(text, file);
  } catch (error) {
    if (error instanceof PerfError) return error;
    throw error;
  }
  throw new Error("expected the budget file to be refused");
}

const lines = (...budgets: string[]) => ["{", '  "budgets": [', budgets.map((b) => `    ${b}`).join(",\n"), "  ]", "}"].join("\n");

describe("parseBudgetText", () => {
  it("parses limits into canonical units, with selectors and lines", () => {
    const file = parseBudgetText(
      lines(
        '{ "metric": "bench.median", "benchmark": "json roundtrip", "max": "2ms" }',
        '{ "metric": "bench.regression", "benchmark": "*", "max": "5%" }',
        '{ "metric": "load.p95", "max": "150ms" }',
        '{ "metric": "load.rps", "min": 1000 }',
        '{ "metric": "web.lcp", "page": "/", "max": "2.5s" }',
        '{ "metric": "bundle.size", "path": "dist/**/*.js", "max": "200 KB", "gzip": true }',
      ),
    );
    const [median, regression, p95, rps, lcp, bundle] = file.budgets;
    expect(median).toMatchObject({ metric: "bench.median", selector: { key: "benchmark", value: "json roundtrip" }, limit: { max: 2, unit: "duration" }, line: 3 });
    expect(regression!.limit.max).toBeCloseTo(0.05);
    expect(p95).toMatchObject({ selector: null, limit: { max: 150 }, line: 5 });
    expect(rps!.limit).toMatchObject({ min: 1000, unit: "rate" });
    expect(rps!.limit.max).toBeUndefined();
    expect(lcp!.limit.max).toBe(2500);
    expect(bundle).toMatchObject({ gzip: true, selector: { key: "path", value: "dist/**/*.js" }, limit: { max: 204_800, unit: "bytes" }, line: 8 });
  });

  it("names an unknown metric with its file, line, a suggestion and every known metric", () => {
    const error = parseError(lines('{ "metric": "load.p95", "max": "150ms" }', '{\n      "metric": "bench.medain", "benchmark": "x", "max": "2ms" }'));
    expect(error.code).toBe("USAGE");
    expect(error.where).toEqual({ file: "perfscope.budget.json", line: 5 });
    expect(error.message).toContain("line 5: budgets[1].metric: unknown metric \"bench.medain\"");
    expect(error.message).toContain('did you mean "bench.median"');
    for (const known of ["bench.median", "load.errorRate", "web.lcp", "bundle.size"]) expect(error.message).toContain(known);
  });

  it("refuses a budget with neither min nor max, naming its line", () => {
    const error = parseError(lines('{ "metric": "load.p95", "max": "1s" }', '{ "metric": "load.p99" }'));
    expect(error.where?.line).toBe(4);
    expect(error.message).toMatch(/line 4: .*load\.p99 has neither "min" nor "max"/);
  });

  it("refuses bad units with the line of the limit", () => {
    const error = parseError(['{ "budgets": [', '  { "metric": "load.p95",', '    "max": "fast" },', '  { "metric": "bundle.size", "path": "a.js",', '    "max": "150ms" },', '  { "metric": "load.errorRate", "max": 5 }', "] }"].join("\n"));
    expect(error.message).toMatch(/line 3: budgets\[0\]\.max: bad max for load\.p95: "fast" is not a duration/);
    expect(error.message).toMatch(/line 5: budgets\[1\]\.max: .*"150ms" is not a size/);
    expect(error.message).toMatch(/line 6: budgets\[2\]\.max: .*ambiguous/);
    expect(error.where?.line).toBe(3);
  });

  it("requires the metric's selector and refuses selectors that do not belong", () => {
    const missing = parseError(lines('{ "metric": "bench.median", "max": "2ms" }'));
    expect(missing.message).toMatch(/line 3: .*bench\.median needs "benchmark"/);
    const extra = parseError(lines('{ "metric": "load.p95", "benchmark": "x", "max": "2ms" }'));
    expect(extra.message).toMatch(/load\.p95 takes no "benchmark" selector/);
    const gzip = parseError(lines('{ "metric": "load.p95", "max": "2ms", "gzip": true }'));
    expect(gzip.message).toMatch(/"gzip" applies to bundle\.size only/);
    const unknownKey = parseError(lines('{ "metric": "load.p95", "maximum": "2ms", "max": "1s" }'));
    expect(unknownKey.message).toMatch(/line 3: budgets\[0\]\.maximum: unknown key "maximum"/);
    const inverted = parseError(lines('{ "metric": "load.p95", "min": "2s", "max": "1s" }'));
    expect(inverted.message).toMatch(/min is above max/);
  });

  it("reports malformed JSON with line and column", () => {
    const error = parseError('{\n  "budgets": [\n    { "metric": "load.p95" "max": "1s" }\n  ]\n}');
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toContain("line 3, column 28");
    expect(error.where).toMatchObject({ file: "perfscope.budget.json", line: 3 });
  });

  it("refuses an empty budget list and a non-object", () => {
    expect(parseError('{ "budgets": [] }').message).toMatch(/lists no budgets/);
    expect(parseError("[1]").message).toMatch(/Expected object/);
  });
});

describe("loadBudgetFile", () => {
  it("reads a file relative to cwd, and says how to create a missing one", async () => {
    writeFileSync(join(work, "b.json"), lines('{ "metric": "load.p95", "max": "1s" }'));
    const file = await loadBudgetFile("b.json", work);
    expect(file.file).toBe(join(work, "b.json"));
    await expect(loadBudgetFile("missing.json", work)).rejects.toMatchObject({ code: "USAGE", hint: expect.stringMatching(/--budget/) });
  });

  it("accepts the full example in docs/budgets.md", () => {
    const doc = readFileSync(join(repo, "docs", "budgets.md"), "utf8");
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = parseBudgetText(example!, "docs/budgets.md");
    expect(parsed.budgets.length).toBeGreaterThanOrEqual(10);
  });
});
