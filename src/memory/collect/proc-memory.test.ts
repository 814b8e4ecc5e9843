import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { isProcessRunning, readProcMemory } from "./proc-memory.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const reader = join(fileURLToPath(new URL("./test-programs/", import.meta.url)), "read-proc-memory.ts");
const NOBODY = 65534;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

async function exitedPid(): Promise<number> {
  const gone = spawn("true");
  await new Promise((resolve) => gone.once("exit", resolve));
  return gone.pid!;
}

describe("readProcMemory", () => {
  it("agrees with the process's own view of its RSS, and orders USS <= PSS <= RSS <= peak", () => {
    const own = process.memoryUsage.rss();
    const memory = readProcMemory(process.pid);
    // Both read the same kernel counter a moment apart: within a few MB.
    expect(Math.abs(memory.rss - own)).toBeLessThan(8 * 1024 * 1024);
    expect(memory.pss).not.toBeNull();
    expect(memory.uss).not.toBeNull();
    expect(memory.uss!).toBeLessThanOrEqual(memory.pss!);
    expect(memory.pss!).toBeLessThanOrEqual(memory.rss + 1024 * 1024);
    expect(memory.rssPeak!).toBeGreaterThanOrEqual(memory.rss);
    expect(memory.virtual!).toBeGreaterThan(memory.rss);
    expect(memory.swap).not.toBeNull();
  });

  it("sees a process grow when it allocates", async () => {
    const before = readProcMemory(process.pid).rss;
    const block = Buffer.alloc(64 * 1024 * 1024, 1); // touched pages: resident
    const after = readProcMemory(process.pid).rss;
    expect(after - before).toBeGreaterThan(48 * 1024 * 1024);
    expect(block[block.length - 1]).toBe(1);
  });

  it("throws TARGET_NOT_FOUND naming a pid that does not exist", async () => {
    const pid = await exitedPid();
    const error = await catchPerfError(Promise.resolve().then(() => readProcMemory(pid)));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.where?.pid).toBe(pid);
    expect(error.hint).toMatch(/pgrep/);
    expect(isProcessRunning(pid)).toBe(false);
    expect(isProcessRunning(process.pid)).toBe(true);
  });

  it("read by another user: RSS from status, PSS/USS null with a note", () => {
    const target = spawn("sleep", ["30"]);
    children.push(target);
    // The reader runs as nobody; the target belongs to root (this test runs as root).
    const run = spawnSync(process.execPath, ["--import", "tsx", reader, String(target.pid)], { cwd: repoRoot, uid: NOBODY, gid: NOBODY, encoding: "utf8", timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { memory: { rss: number; pss: unknown; uss: unknown }; notes: string[] };
    expect(out.memory.rss).toBeGreaterThan(0);
    expect(out.memory.pss).toBeNull();
    expect(out.memory.uss).toBeNull();
    expect(out.notes.join(" ")).toMatch(new RegExp(`PSS and USS of pid ${target.pid} are unknown.*smaps_rollup`));
    // As root the same process gives PSS and USS.
    expect(readProcMemory(target.pid!).pss).not.toBeNull();
  });
});
