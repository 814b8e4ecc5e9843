import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBenchmarkProcess, runInterleavedProcess } from "./run-process.js";

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** A version folder whose "work" benchmark spins for `us` µs and insists on running in its own folder. */
function makeVersion(root: string, name: string, us: number, throwAfter?: number): { file: string; cwd: string } {
  const cwd = realpathSync(mkdtempSync(join(root, `${name}-`)));
  const file = join(cwd, "v.bench.mjs");
  writeFileSync(
    file,
    [
      'import { bench } from "perfscope";',
      `const home = ${JSON.stringify(cwd)};`,
      "let calls = 0;",
      `bench("work", () => {`,
      `  if (process.cwd() !== home) throw new Error("ran in " + process.cwd());`,
      throwAfter !== undefined ? `  if (++calls > ${throwAfter}) throw new Error("planted failure in ${name}");` : "",
      `  const end = process.hrtime.bigint() + ${us * 1000}n; let x = 0; while (process.hrtime.bigint() < end) x++; return x;`,
      "});",
    ].join("\n"),
  );
  return { file, cwd };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "perfscope-interleave-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("runInterleavedProcess", () => {
  it("measures several versions in one process, each in its own folder, one batch size for all", async () => {
    const a = makeVersion(root, "a", 20);
    const b = makeVersion(root, "b", 30);
    const out = await runInterleavedProcess({ name: "work", versions: [a, b], timeMs: 80, warmupMs: 20 });
    expect(out.state).toBe("completed");
    if (out.state !== "completed") return;
    expect(out.samples).toHaveLength(2);
    const ratio = med(out.samples[1]!) / med(out.samples[0]!);
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(1.9);
    // Batches alternate, so both versions got about as many samples.
    expect(Math.abs(out.samples[0]!.length - out.samples[1]!.length)).toBeLessThanOrEqual(1);
  }, 30_000);

  it("names the version whose benchmark throws", async () => {
    const a = makeVersion(root, "ok", 10);
    const b = makeVersion(root, "bad", 10, 50);
    const out = await runInterleavedProcess({ name: "work", versions: [a, b], timeMs: 60, warmupMs: 10 });
    expect(out.state).toBe("errored");
    if (out.state !== "errored") return;
    expect(out.index).toBe(1);
    expect(out.error.message).toContain("planted failure in bad");
    expect(out.error.where).toContain(b.file);
  }, 30_000);

  it("counts the time a sync benchmark blocks (2 ms Atomics.wait reads as ~2 ms, not ~0)", async () => {
    const cwd = realpathSync(mkdtempSync(join(root, "block-")));
    const file = join(cwd, "block.bench.mjs");
    writeFileSync(file, 'import { bench } from "perfscope";\nconst cell = new Int32Array(new SharedArrayBuffer(4));\nbench("block", () => Atomics.wait(cell, 0, 0, 2));\n');
    const out = await runBenchmarkProcess({ file, name: "block", cwd, timeMs: 60, warmupMs: 10 });
    expect(out.state).toBe("completed");
    if (out.state !== "completed") return;
    expect(med(out.samples)).toBeGreaterThan(1.9e6);
    expect(med(out.samples)).toBeLessThan(6e6);
  }, 30_000);
});
