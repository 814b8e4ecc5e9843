import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The same real workload the calibration benchmark uses: tags differ only in work per op.
import { makeVersionedRepo } from "../../../bench/fixtures/versioned-repo.mjs";
import { benchmarkVersions } from "./versions.js";

const BROKEN_BUILD = JSON.stringify({ name: "versioned-app", version: "0.0.0", type: "module", private: true, scripts: { build: "echo 'tsc: error TS2322 in src/app.ts' >&2; exit 4" } });
const FIXED_BUILD = JSON.stringify({ name: "versioned-app", version: "0.0.0", type: "module", private: true });

let repo: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "perfscope-versions-"));
  makeVersionedRepo(repo, [
    { tag: "v1.0.0" },
    // A render three times slower: a regression that must be named even on a busy CI machine.
    { tag: "v1.1.0", scale: { render_time: 300 } },
    { tag: "v1.2.0-broken", scale: { render_time: 300 }, files: { "package.json": BROKEN_BUILD } },
    // The render fix ships: back to the original work.
    { tag: "v1.2.0", files: { "package.json": FIXED_BUILD } },
  ]);
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("benchmarkVersions on a real git repository", () => {
  it("names the regression between consecutive versions, and the fix after it; a missing ref and a failing build are reported while the rest is compared", async () => {
    const phases: string[] = [];
    const result = await benchmarkVersions({
      cwd: repo,
      versions: ["v1.0.0", "v1.1.0", "v1.2.0-broken", "v0.9-missing", "v1.2.0"],
      filter: ["render_time", "api_latency"],
      processes: 5,
      timeMs: 120,
      warmupMs: 40,
      onProgress: (e) => phases.push(e.phase),
    });

    const byRef = new Map(result.versions.map((v) => [v.ref, v]));
    const missing = byRef.get("v0.9-missing");
    expect(missing?.state).toBe("errored");
    if (missing?.state === "errored") expect(missing.error.message).toContain('"v0.9-missing" does not exist');
    const broken = byRef.get("v1.2.0-broken");
    expect(broken?.state).toBe("errored");
    if (broken?.state === "errored") {
      expect(broken.error.message).toMatch(/building v1\.2\.0-broken .* failed: "npm run build" exited with 4/);
      expect(broken.error.hint).toContain("error TS2322");
    }

    // The three that ran are compared in order, skipping the two that could not.
    expect(result.steps.map((s) => `${s.from}→${s.to}`)).toEqual(["v1.0.0→v1.1.0", "v1.1.0→v1.2.0"]);
    const step1 = result.steps[0]!.comparisons.find((c) => c.name === "render_time")!;
    expect(step1.verdict).toBe("slower");
    expect(step1.ratio).toBeGreaterThan(1.5);
    expect(step1.ratioCi.low).toBeGreaterThan(1);
    const step2 = result.steps[1]!.comparisons.find((c) => c.name === "render_time")!;
    expect(step2.verdict).toBe("faster");
    expect(result.regressions.some((r) => r.name === "render_time" && r.from === "v1.0.0" && r.to === "v1.1.0")).toBe(true);
    // api_latency did the same work in every version: A/A must not be called a change.
    for (const step of result.steps) expect(step.comparisons.find((c) => c.name === "api_latency")!.verdict).toBe("no-change");
    expect(result.regressions.every((r) => r.name === "render_time")).toBe(true);
    expect(step1.method).toMatch(/paired t-test on 5 interleaved rounds/);

    // Every version ran every benchmark in 5 fresh processes.
    for (const ref of ["v1.0.0", "v1.1.0", "v1.2.0"]) {
      const v = byRef.get(ref);
      expect(v?.state).toBe("completed");
      if (v?.state !== "completed") continue;
      expect(v.run.git?.ref).toBe(ref);
      expect(v.run.results.map((r) => r.name).sort()).toEqual(["api_latency", "render_time"]);
      for (const r of v.run.results) if (r.state === "completed") expect(r.samplesByProcess).toHaveLength(5);
    }
    expect(phases).toContain("build");
    // Worktrees are removed afterwards.
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync("git", ["worktree", "list"], { cwd: repo, encoding: "utf8" }).trim().split("\n")).toHaveLength(1);
  }, 120_000);

  it("refuses a filter that names no benchmark, listing the ones that exist", async () => {
    await expect(benchmarkVersions({ cwd: repo, versions: ["v1.0.0"], filter: ["render"], processes: 1, timeMs: 20, warmupMs: 5 })).rejects.toThrow(
      /no benchmark named "render"/,
    );
    expect(existsSync(repo)).toBe(true);
  }, 60_000);
});
