import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { listBenchmarks, runBenchmarkProcess, type BenchProcessOutcome } from "./run-process.js";

const fixtures = fileURLToPath(new URL("./test-fixtures/", import.meta.url));
const timing = join(fixtures, "timing.bench.mjs");
const mixed = join(fixtures, "mixed.bench.mjs");
// A folder with no package.json and no node_modules: nothing there can resolve "perfscope".
const bare = mkdtempSync(join(tmpdir(), "perfscope-bench-"));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

const fast = { cwd: bare, timeMs: 60, warmupMs: 30 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function completed(outcome: BenchProcessOutcome): Extract<BenchProcessOutcome, { state: "completed" }> {
  if (outcome.state !== "completed") throw new Error(`expected completed, got ${JSON.stringify(outcome.error)}`);
  return outcome;
}

function lineOf(file: string, marker: string): number {
  return readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(marker)) + 1;
}

describe("listBenchmarks", () => {
  it("reports the names a file registers, in definition order", async () => {
    const listed = await listBenchmarks(timing, { cwd: bare });
    expect(listed).toEqual({ state: "ok", names: ["busy 50us", "async busy 20us", "empty", "pure math"] });
  });

  it("errors on a duplicate name and names both lines", async () => {
    const file = join(fixtures, "duplicate.bench.mjs");
    const listed = await listBenchmarks(file, { cwd: bare });
    expect(listed.state).toBe("errored");
    if (listed.state !== "errored") return;
    expect(listed.error.message).toContain(`${file}:${lineOf(file, "FIRST-MARKER")}`);
    expect(listed.error.message).toContain(`${file}:${lineOf(file, "SECOND-MARKER")}`);
    expect(listed.error.where).toBe(`${file}:${lineOf(file, "SECOND-MARKER")}`);
  });

  it("errors on a TypeScript file with a syntax error, pointing at the file and line", async () => {
    const file = join(bare, "broken.bench.ts");
    writeFileSync(file, 'import { bench } from "perfscope";\nbench("x", () => {\n  const a: number = ;\n});\n');
    const listed = await listBenchmarks(file, { cwd: bare });
    expect(listed.state).toBe("errored");
    if (listed.state !== "errored") return;
    expect(listed.error.where).toBe(`${file}:3`);
    expect(listed.error.hint).toMatch(/syntax/i);
  });

  it("errors on a missing import with where = the file and an install hint", async () => {
    const file = join(bare, "missing-dep.bench.mjs");
    writeFileSync(file, 'import "no-such-package-perfscope-test";\nbench("x", () => 1);\n');
    const listed = await listBenchmarks(file, { cwd: bare });
    expect(listed.state).toBe("errored");
    if (listed.state !== "errored") return;
    expect(listed.error.message).toContain("no-such-package-perfscope-test");
    expect(listed.error.where?.startsWith(file)).toBe(true);
    expect(listed.error.hint).toMatch(/install/);
  });
});

describe("runBenchmarkProcess", () => {
  // Retried: under parallel test files the CPU-wait subtraction can overshoot once (43 µs seen in CI).
  it("measures a sync busy-wait of 50 µs at about 50 µs per call, in batches of about 1 ms", { retry: 2 }, async () => {
    const out = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "busy 50us" }));
    const m = median(out.samples);
    expect(m).toBeGreaterThanOrEqual(49_000);
    expect(m).toBeLessThan(150_000);
    expect(out.batchSize).toBeGreaterThanOrEqual(10);
    expect(out.batchSize).toBeLessThanOrEqual(30);
    expect(out.samples.length).toBeGreaterThanOrEqual(10);
  });

  it("awaits every call of an async benchmark", async () => {
    const out = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "async busy 20us" }));
    const m = median(out.samples);
    expect(m).toBeGreaterThanOrEqual(19_500);
    expect(m).toBeLessThan(80_000);
  });

  it("batches a sub-microsecond benchmark, and a fixed batchSize is used as given", async () => {
    const calibrated = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "empty" }));
    expect(calibrated.batchSize).toBeGreaterThan(1000);
    expect(median(calibrated.samples)).toBeLessThan(1000);
    const fixed = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "empty", batchSize: 777, minSamples: 25 }));
    expect(fixed.batchSize).toBe(777);
    expect(fixed.samples.length).toBeGreaterThanOrEqual(25);
  });

  it("keeps a returned pure computation alive: it costs clearly more than the empty baseline", async () => {
    const empty = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "empty" }));
    const math = completed(await runBenchmarkProcess({ ...fast, file: timing, name: "pure math" }));
    // sqrt + log + sin take ~20-40 ns; dropped by the optimiser they would cost ~1 ns, near the baseline.
    expect(median(math.samples)).toBeGreaterThan(8 * median(empty.samples));
    expect(median(math.samples)).toBeGreaterThan(5);
  });

  it("reports a throwing benchmark with its message and bench file line; its sibling completes", async () => {
    const thrown = await runBenchmarkProcess({ ...fast, file: mixed, name: "throws" });
    expect(thrown.state).toBe("errored");
    if (thrown.state !== "errored") return;
    expect(thrown.error.message).toContain("record too long");
    expect(thrown.error.where).toBe(`${mixed}:${lineOf(mixed, "THROW-MARKER")}`);
    expect(thrown.error.stack).toContain("parseRecord");
    completed(await runBenchmarkProcess({ ...fast, file: mixed, name: "sibling" }));
  });

  it("resolves perfscope from a folder without node_modules, for ESM and CommonJS-compiled TypeScript", async () => {
    const source = 'import { bench } from "perfscope";\nconst xs: number[] = [3, 1, 2];\nbench("sort", () => [...xs].sort());\n';
    writeFileSync(join(bare, "esm.bench.mts"), source);
    // A .ts file outside a "type": "module" package is compiled to require("perfscope").
    writeFileSync(join(bare, "cjs.bench.ts"), source);
    for (const file of ["esm.bench.mts", "cjs.bench.ts"]) {
      const out = await runBenchmarkProcess({ ...fast, file: join(bare, file), name: "sort" });
      expect(out.state, JSON.stringify(out)).toBe("completed");
    }
  });

  it("names the benchmarks that exist when asked for an unknown one", async () => {
    const out = await runBenchmarkProcess({ ...fast, file: mixed, name: "nope" });
    expect(out.state).toBe("errored");
    if (out.state === "errored") expect(out.error.hint).toContain('"sibling"');
  });

  it("reports a process that exits, a promise that never settles and a stray rejection as errored", async () => {
    const file = join(fixtures, "faults.bench.mjs");
    const expected: [string, RegExp][] = [
      ["exits", /exited \(code 3\) without a result/],
      ["never settles", /never settled/],
      ["stray rejection", /stray rejection/],
    ];
    for (const [name, message] of expected) {
      const out = await runBenchmarkProcess({ ...fast, file, name });
      expect(out.state, name).toBe("errored");
      if (out.state === "errored") expect(out.error.message).toMatch(message);
    }
  });

  it("kills a benchmark that never returns and reports it as timed out", async () => {
    const started = Date.now();
    const out = await runBenchmarkProcess({ ...fast, timeMs: 50, warmupMs: 20, file: join(fixtures, "hang.bench.mjs"), name: "spins forever" });
    expect(out.state).toBe("errored");
    if (out.state === "errored") expect(out.error.message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
