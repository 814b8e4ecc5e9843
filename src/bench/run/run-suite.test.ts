import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isPerfError } from "../../core/errors.js";
import { runBenchSuite, type BenchSuiteProgress } from "./run-suite.js";

const fixtures = fileURLToPath(new URL("./test-fixtures/", import.meta.url));
const mixed = join(fixtures, "mixed.bench.mjs");
const dir = mkdtempSync(join(tmpdir(), "perfscope-suite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const two = join(dir, "two.bench.mjs");
writeFileSync(two, 'import { bench } from "perfscope";\nbench("alpha", () => [1, 2, 3].map((x) => x * 2));\nbench("beta", () => "x".repeat(50));\n');
const broken = join(dir, "broken.bench.mjs");
writeFileSync(broken, 'bench("never", () => 1);\nexport const = 2;\n');
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "suite-under-test", type: "module" }));

const quick = { cwd: dir, timeMs: 40, warmupMs: 20 };

describe("runBenchSuite", () => {
  it("runs every benchmark in each process round, interleaved, reusing the first batch size", async () => {
    const events: BenchSuiteProgress[] = [];
    const run = await runBenchSuite({ ...quick, files: [two], processes: 2, label: "local", onProgress: (e) => events.push(e) });
    const order = events.filter((e) => e.phase === "run").map((e) => `${e.round}:${e.benchmark}`);
    expect(order).toEqual(["1:alpha", "1:beta", "2:alpha", "2:beta"]);
    for (const name of ["alpha", "beta"]) {
      const sizes = events.flatMap((e) => (e.phase === "measured" && e.benchmark === name ? [e.batchSize] : []));
      expect(sizes).toHaveLength(2);
      expect(sizes[1]).toBe(sizes[0]);
    }
    expect(run.suite).toBe("suite-under-test");
    expect(run.label).toBe("local");
    expect(run.partial).toBeUndefined();
    expect(run.machine.id).toMatch(/^[0-9a-f]{12}$/);
    expect(run.results.map((r) => [r.name, r.state, r.source])).toEqual([
      ["alpha", "completed", "two.bench.mjs"],
      ["beta", "completed", "two.bench.mjs"],
    ]);
    for (const result of run.results) {
      if (result.state !== "completed") continue;
      expect(result.samplesByProcess).toHaveLength(2);
      expect(result.stats.processes).toBe(2);
      expect(result.stats.n).toBe(result.samplesByProcess[0].length + (result.samplesByProcess[1]?.length ?? 0));
      expect(result.stats.median).toBeGreaterThan(0);
      expect(result.batchSize).toBeGreaterThan(1);
    }
  });

  it("keeps going past a throwing benchmark and a file that does not load", async () => {
    const run = await runBenchSuite({ ...quick, files: [broken, mixed], processes: 1 });
    const byName = new Map(run.results.map((r) => [r.name, r]));
    const thrown = byName.get("throws");
    expect(thrown?.state).toBe("errored");
    if (thrown?.state === "errored") expect(thrown.error.where).toMatch(/mixed\.bench\.mjs:\d+$/);
    expect(byName.get("sibling")?.state).toBe("completed");
    const fileError = byName.get("broken.bench.mjs");
    expect(fileError?.state).toBe("errored");
    if (fileError?.state === "errored") expect(fileError.error.where?.startsWith(broken)).toBe(true);
  });

  it("rejects a filter that matches nothing, listing the names that exist", async () => {
    const attempt = runBenchSuite({ ...quick, files: [two], filter: ["gamma"] });
    await expect(attempt).rejects.toSatisfy((e: unknown) => isPerfError(e) && e.code === "USAGE" && /"alpha", "beta"/.test(e.hint ?? ""));
    await expect(runBenchSuite({ ...quick, files: [two], filter: /^zzz/ })).rejects.toThrow(/no benchmark matches/);
  });

  it("runs only what the filter picks", async () => {
    const run = await runBenchSuite({ ...quick, files: [two], filter: /^b/, processes: 1 });
    expect(run.results.map((r) => r.name)).toEqual(["beta"]);
  });

  it("stops on abort and returns what was measured, marked partial", async () => {
    const controller = new AbortController();
    const run = await runBenchSuite({
      ...quick,
      files: [two],
      processes: 3,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === "measured" && e.done === 1) controller.abort();
      },
    });
    expect(run.partial).toBe(true);
    expect(run.results.map((r) => [r.name, r.state])).toEqual([["alpha", "completed"]]);
    const alpha = run.results[0];
    if (alpha?.state === "completed") expect(alpha.samplesByProcess).toHaveLength(1);
  });
});
