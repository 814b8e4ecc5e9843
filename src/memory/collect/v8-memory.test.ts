import { afterEach, describe, expect, it } from "vitest";
import { listListeningPorts } from "../../profile/collect/inspector-port.js";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { killTargets, startMemoryTarget, startProcess } from "./test-helpers/targets.js";
import { openV8MemorySession } from "./v8-memory.js";

afterEach(killTargets);
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("openV8MemorySession", () => {
  it("reads the heap of a program that holds memory, then leaves it running with no port open", async () => {
    const target = await startMemoryTarget("hold", 30_000);
    const pid = target.pid!;
    const portsBefore = listListeningPorts(pid);
    const session = await openV8MemorySession(pid);
    try {
      const first = await session.read();
      await delay(1000);
      const second = await session.read();
      // The program retains ~1 MB every 50 ms: over a second, well over 8 MB more heap.
      expect(second.v8.heapUsed - first.v8.heapUsed).toBeGreaterThan(8 * 1024 * 1024);
      expect(second.v8.heapUsed).toBeLessThanOrEqual(second.v8.heapTotal);
      expect(second.v8.heapLimit).toBeGreaterThan(second.v8.heapTotal);
      const names = second.v8.spaces.map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(["new_space", "old_space", "code_space", "large_object_space"]));
      const old = second.v8.spaces.find((s) => s.name === "old_space")!;
      expect(old.used).toBeLessThanOrEqual(old.size);
      expect(session.notes).toEqual([]);
    } finally {
      expect(await session.close()).toEqual([]);
    }
    expect(target.exitCode).toBeNull();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(listListeningPorts(pid)).toEqual(portsBefore);
  });

  it("counts GCs of a churning program, sees a forced major GC, and keeps counting across sessions", async () => {
    const target = await startMemoryTarget("churn", 30_000);
    const first = await openV8MemorySession(target.pid!);
    let since: number | undefined;
    let countBefore = 0;
    try {
      const a = await first.read();
      await delay(1000);
      const b = await first.read();
      expect(a.gc).not.toBeNull();
      expect(b.gc!.count).toBeGreaterThan(a.gc!.count);
      expect(b.gc!.byKind.minor?.count ?? 0).toBeGreaterThan(0);
      expect(b.gc!.pauseMs).toBeGreaterThan(0);
      const beforeForced = Date.now();
      await first.collectGarbage();
      await delay(100); // the observer's callback runs right after the GC
      const c = await first.read();
      expect(c.gc!.byKind.major?.count ?? 0).toBeGreaterThan(b.gc!.byKind.major?.count ?? 0);
      expect(c.gc!.lastMajorAt!).toBeGreaterThanOrEqual(beforeForced);
      expect(c.gc!.lastMajorHeapUsed!).toBeGreaterThan(0);
      since = c.gc!.since;
      countBefore = c.gc!.count;
    } finally {
      await first.close();
    }
    // A second session finds the observer installed: same start, counts carried on.
    const second = await openV8MemorySession(target.pid!);
    try {
      const d = await second.read();
      expect(d.gc!.since).toBe(since);
      expect(d.gc!.count).toBeGreaterThanOrEqual(countBefore);
    } finally {
      await second.close();
    }
  });

  it("refuses a process that is not node", async () => {
    const target = startProcess("sleep", ["30"]);
    await delay(100);
    const error = await catchPerfError(openV8MemorySession(target.pid!));
    expect(error.code).toBe("ATTACH_FAILED");
    expect(error.message).toMatch(/not a Node\.js process/);
    expect(error.where?.pid).toBe(target.pid);
  });
});
