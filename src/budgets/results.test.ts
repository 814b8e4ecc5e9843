import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLoadResult } from "../load/analyze/test-helpers/load-result.js";
import { findLatestResults, loadResultsFrom } from "./results.js";
import { buildBenchRun, buildComparison } from "./test-helpers/bench-run.js";

const root = mkdtempSync(join(tmpdir(), "perfscope-results-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, value: unknown): string {
  const file = join(root, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return file;
}

const runs = ".perfscope/runs";
const older = buildBenchRun([{ name: "old", median: 1 }]);
const newer = buildBenchRun([{ name: "new", median: 2 }]);
put(`project/${runs}/2025-01-01T10-00-00-000Z-bench/bench-run.json`, older);
put(`project/${runs}/2025-01-02T10-00-00-000Z-bench/bench-run.json`, newer);
put(`project/${runs}/2025-01-02T10-00-00-000Z-bench/comparisons.json`, [buildComparison("new", 1.1)]);
// The newest bench folder has no bench-run.json (a failed run): skipped.
mkdirSync(join(root, `project/${runs}/2025-01-03T10-00-00-000Z-bench`), { recursive: true });
put(`project/${runs}/2025-01-01T10-00-00-000Z-load/load-result.json`, buildLoadResult({ throughput: 111 }));
put(`project/${runs}/2025-01-01T11-00-00-000Z-load/load-result.json`, buildLoadResult({ throughput: 222 }));
put(`project/${runs}/2025-01-05T10-00-00-000Z-profile/analysis.json`, {});

describe("findLatestResults", () => {
  it("reads the newest bench run with its comparisons and the newest load result", async () => {
    const r = await findLatestResults(join(root, "project"));
    expect(r.bench?.results.map((x) => x.name)).toEqual(["new"]);
    expect(r.benchComparisons?.[0]?.ratio).toBe(1.1);
    expect(r.load?.throughput).toBe(222);
    expect(r.sources?.bench).toContain("2025-01-02T10-00-00-000Z-bench");
    expect(r.sources?.load).toContain("2025-01-01T11-00-00-000Z-load");
  });

  it("finds nothing in a project without runs", async () => {
    mkdirSync(join(root, "empty"));
    expect(await findLatestResults(join(root, "empty"))).toEqual({ cwd: join(root, "empty") });
  });

  it("names the file and line of a corrupt or invalid result", async () => {
    put(`broken/${runs}/2025-01-01T10-00-00-000Z-load/load-result.json`, '{\n  "version": 1,\n  "target": \n}');
    await expect(findLatestResults(join(root, "broken"))).rejects.toMatchObject({ code: "MALFORMED_INPUT", where: { line: 4 }, message: expect.stringMatching(/load-result\.json.*line 4/) });
    const bad = { ...buildLoadResult(), latency: { ...buildLoadResult().latency, p95: "fast" } };
    put(`invalid/${runs}/2025-01-01T10-00-00-000Z-load/load-result.json`, bad);
    const error = await findLatestResults(join(root, "invalid")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MALFORMED_INPUT", message: expect.stringMatching(/not a valid load result: latency\.p95: Expected number/) });
    expect((error as { where: { line: number } }).where.line).toBeGreaterThan(1);
  });
});

describe("loadResultsFrom", () => {
  it("recognises files by name or shape, and run folders", async () => {
    const loadFile = put("loose/my-load.json", buildLoadResult({ throughput: 333 }));
    const benchFile = put("loose/my-bench.json", newer);
    const r = await loadResultsFrom([loadFile, benchFile], root);
    expect(r.load?.throughput).toBe(333);
    expect(r.bench?.suite).toBe("example");
    const fromRunDir = await loadResultsFrom([join(root, `project/${runs}/2025-01-01T10-00-00-000Z-bench`)], root);
    expect(fromRunDir.bench?.results[0]?.name).toBe("old");
    expect(fromRunDir.benchComparisons).toBeUndefined();
    const fromProject = await loadResultsFrom(["project"], root);
    expect(fromProject.load?.throughput).toBe(222);
  });

  it("refuses missing paths, unknown files, empty folders and two runs of a kind", async () => {
    await expect(loadResultsFrom(["nope"], root)).rejects.toMatchObject({ code: "USAGE" });
    await expect(loadResultsFrom([put("other.json", { hello: 1 })], root)).rejects.toMatchObject({ code: "UNKNOWN_FORMAT" });
    await expect(loadResultsFrom(["empty"], root)).rejects.toMatchObject({ code: "USAGE", message: expect.stringMatching(/no bench or load results/) });
    await expect(loadResultsFrom(["loose/my-bench.json", "loose/my-bench.json"], root)).rejects.toMatchObject({ code: "USAGE", message: expect.stringMatching(/Two bench runs/) });
  });
});
