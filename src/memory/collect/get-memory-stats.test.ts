import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { getMemoryStats } from "./get-memory-stats.js";
import { killTargets, startMemoryTarget, startProcess, uniqueTag } from "./test-helpers/targets.js";

afterEach(killTargets);
const binDir = mkdtempSync(join(tmpdir(), "perfscope-mem-"));
afterAll(() => rmSync(binDir, { recursive: true, force: true }));
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("getMemoryStats", () => {
  it("finds a Node process by a word of its command line and gives /proc, V8 and GC figures", async () => {
    const tag = uniqueTag();
    const target = await startMemoryTarget("hold", 30_000, { tag });
    await delay(1500); // ~30 MB retained by then
    const stats = await getMemoryStats({ process: tag });
    expect(stats.pid).toBe(target.pid);
    expect(stats.command).toContain(tag);
    expect(stats.v8).not.toBeNull();
    expect(stats.gc).not.toBeNull();
    // The brief's aliases: plain top-level fields.
    expect(stats.heap_used).toBe(stats.v8!.heapUsed);
    expect(stats.rss).toBe(stats.proc.rss);
    expect(Object.keys(stats)).toEqual(expect.arrayContaining(["heap_used", "rss"]));
    expect(stats.heap_used!).toBeGreaterThan(20 * 1024 * 1024);
    expect(stats.rss).toBeGreaterThan(stats.heap_used!);
    expect(stats.proc.uss).not.toBeNull();
    expect(stats.v8!.spaces.length).toBeGreaterThan(3);
    expect(stats.notes).toEqual([]);
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(target.exitCode).toBeNull();
  });

  it("gives /proc figures and a note for a process that is not Node", async () => {
    const target = startProcess("sleep", ["30"]);
    await delay(100);
    const stats = await getMemoryStats({ pid: target.pid! });
    expect(stats.proc.rss).toBeGreaterThan(0);
    expect(stats.proc.pss).not.toBeNull();
    expect(stats.v8).toBeNull();
    expect(stats.gc).toBeNull();
    expect(stats.heap_used).toBeNull();
    expect(stats.notes.join(" ")).toMatch(/not a Node\.js process \(\/.*sleep\): only \/proc figures/);
  });

  it("lists the candidates when a name matches several processes", async () => {
    // A uniquely named copy of sleep: its name is an exact match for both copies.
    const name = `pssleep${Date.now() % 100000}`;
    const bin = join(binDir, name);
    copyFileSync("/bin/sleep", bin);
    const a = startProcess(bin, ["30"]);
    const b = startProcess(bin, ["30"]);
    await delay(150);
    const error = await catchPerfError(getMemoryStats({ process: name }));
    expect(error.code).toBe("USAGE");
    expect(error.message).toContain(`pid ${a.pid}`);
    expect(error.message).toContain(`pid ${b.pid}`);
    expect(error.hint).toMatch(/pid/);
    b.kill("SIGKILL");
    await new Promise((resolve) => b.once("exit", resolve));
    expect((await getMemoryStats({ process: name })).pid).toBe(a.pid);
  });

  it("says TARGET_NOT_FOUND for a name nothing has", async () => {
    const error = await catchPerfError(getMemoryStats({ process: uniqueTag() }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.hint).toMatch(/ps|pgrep/);
  });
});
