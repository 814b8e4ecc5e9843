import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeVersionedRepo } from "../../bench/fixtures/versioned-repo.mjs";
import { openHistoryStore } from "../store/history-store.js";
import { benchmark } from "./benchmark.js";

let repo: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "perfscope-brief-"));
  makeVersionedRepo(repo, [
    { tag: "v1.0.0" },
    // v1.1.0 renders three times slower; v1.2.0 fixes it.
    { tag: "v1.1.0", scale: { render_time: 300 } },
    { tag: "v1.2.0" },
  ]);
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

/**
 * The brief's second example, line for line in TypeScript: benchmark three versions, pull
 * p95 / mean / median out of each, flag > 10% changes, and save the history as JSON.
 */
it("runs the brief's version-regression example for real", async () => {
  const printed: string[] = [];
  const print = (line: string): void => void printed.push(line);

  const versions = ["v1.0.0", "v1.1.0", "v1.2.0"];
  const results: Record<string, string | number>[] = [];
  for (const version of versions) {
    const bm = await benchmark({ version, tests: ["api_latency", "db_query", "render_time"], cwd: repo, processes: 3, time: 80, warmup: 30 });
    const metrics = {
      version,
      latency_p95: bm["api_latency"]!["p95"],
      db_time_avg: bm["db_query"]!["mean"],
      render_p50: bm["render_time"]!["median"],
    };
    results.push(metrics);
  }
  for (let i = 1; i < results.length; i++) {
    const prev = results[i - 1]!;
    const curr = results[i]!;
    for (const metric of ["latency_p95", "db_time_avg", "render_p50"]) {
      const change = (((curr[metric] as number) - (prev[metric] as number)) / (prev[metric] as number)) * 100;
      if (change > 10) print(`⚠️  Regression in ${curr["version"]}: ${metric} +${change.toFixed(1)}%`);
    }
  }
  mkdirSync(join(repo, "benchmarks"), { recursive: true });
  writeFileSync(join(repo, "benchmarks", "performance-history.json"), JSON.stringify(results));

  expect(printed.some((l) => /Regression in v1\.1\.0: render_p50 \+\d+/.test(l))).toBe(true);
  expect(printed.some((l) => /Regression in v1\.2\.0: render_p50/.test(l))).toBe(false);
  const saved = JSON.parse(readFileSync(join(repo, "benchmarks", "performance-history.json"), "utf8")) as { render_p50: number }[];
  expect(saved).toHaveLength(3);
  expect(saved[1]!.render_p50).toBeGreaterThan(saved[0]!.render_p50 * 1.5);

  // Every run also went to the history store, keyed by commit.
  const store = await openHistoryStore(undefined, { cwd: repo });
  try {
    const runs = await store.listRuns({ suite: "versioned-app" });
    expect(runs.map((r) => r.ref).sort()).toEqual(versions);
    const series = await store.loadSeries({ suite: "versioned-app", benchmark: "render_time" });
    expect(series.map((p) => p.ref)).toEqual(versions);
  } finally {
    await store.close();
  }
}, 120_000);
