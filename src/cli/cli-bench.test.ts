import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeVersionedRepo } from "../../bench/fixtures/versioned-repo.mjs";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
let work: string;

function run(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "perfscope-cli-bench-"));
  mkdirSync(join(work, "bench"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "cli-bench-app", type: "module" }));
  writeFileSync(
    join(work, "bench", "app.bench.mjs"),
    [
      'import { bench } from "perfscope";',
      'bench("concat", () => ["a", "b", "c"].join("-"));',
      'bench("explodes", () => { throw new RangeError("planted"); });',
    ].join("\n"),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("perfscope bench (built CLI)", () => {
  it("runs bench files; a throwing benchmark is errored with its line, the rest completes; exit 3", () => {
    const r = run(["bench", "--processes", "2", "--time", "30ms", "--warmup", "10ms", "--json"]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { run: { results: { name: string; state: string; error?: { message: string; where?: string } }[] }; files: { run: string } };
    const byName = new Map(out.run.results.map((x) => [x.name, x]));
    expect(byName.get("concat")?.state).toBe("completed");
    expect(byName.get("explodes")?.state).toBe("errored");
    expect(byName.get("explodes")?.error?.message).toContain("planted");
    expect(byName.get("explodes")?.error?.where).toMatch(/app\.bench\.mjs:3/);
    // Compared with itself the run shows no change, and compare exits 0.
    const same = run(["bench", "compare", out.files.run, out.files.run]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/concat .* no change/);
    expect(same.stdout).toMatch(/Method: /);
  }, 60_000);

  it("a filter that matches nothing is a usage error that lists the benchmarks", () => {
    const r = run(["bench", "--filter", "nope", "--processes", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/concat/);
  }, 30_000);

  it("times commands with --cmd and reports both", () => {
    const r = run(["bench", "--cmd", "sleep 0.01", "--cmd", "sleep 0.03", "--runs", "4", "--warmup", "1", "--no-history", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run: { results: { name: string; state: string; stats: { median: number } }[] } };
    const [fast, slow] = out.run.results;
    expect(fast!.stats.median).toBeLessThan(slow!.stats.median);
  }, 60_000);

  it("compares git versions, names a missing ref, and exits 1 on a regression", () => {
    const project = mkdtempSync(join(tmpdir(), "perfscope-cli-versions-"));
    try {
      makeVersionedRepo(project, [{ tag: "v1" }, { tag: "v2", scale: { db_query: 300 } }]);
      const r = run(["bench", "--versions", "v1,nope,v2", "--filter", "db_query", "--processes", "3", "--time", "60ms", "--warmup", "20ms"], project);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✗ nope: git ref "nope" does not exist/);
      expect(r.stdout).toMatch(/Regressions: db_query v1 → v2 \+\d+/);
      const runs = readdirSync(join(project, ".perfscope", "runs"));
      expect(runs.some((d) => d.endsWith("bench-v1")) && runs.some((d) => d.endsWith("bench-v2"))).toBe(true);
      const hist = run(["bench", "history"], project);
      expect(hist.code).toBe(0);
      expect(hist.stdout).toMatch(/db_query\s+2/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
