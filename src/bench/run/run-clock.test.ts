import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { readRunQueueWaitNs, startRunTimer, stopRunTimer } from "./run-clock.js";

const threadCpuNs = (): number => Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]);
const hogs: ChildProcess[] = [];
afterAll(() => {
  for (const h of hogs) h.kill("SIGKILL");
});

describe("the run clock", () => {
  it("reads this thread's run-queue wait from schedstat", () => {
    expect(readRunQueueWaitNs()).toBeGreaterThanOrEqual(0);
  });

  it("keeps time the code spends blocked (a sync wait is the benchmark's own time)", () => {
    const timer = startRunTimer();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    const { ns } = stopRunTimer(timer);
    expect(ns).toBeGreaterThan(28e6);
    expect(ns).toBeLessThan(200e6);
  });

  // Retried: with CI's other test files on the same two cores, one run differed from thread CPU by 38%.
  it("leaves out time spent waiting for a CPU while other processes hog both cores", { retry: 2, timeout: 30_000 }, async () => {
    // Three busy processes on two cores: this thread must queue for a CPU now and then.
    for (let i = 0; i < 3; i++) hogs.push(spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
    await new Promise((r) => setTimeout(r, 300));
    let best = { wait: 0, ns: 0, cpu: 0, wall: 0 };
    for (let attempt = 0; attempt < 5 && best.wait < 5e6; attempt++) {
      const cpuStart = threadCpuNs();
      const timer = startRunTimer();
      let x = 0;
      const until = process.hrtime.bigint() + 300_000_000n;
      while (process.hrtime.bigint() < until) x += Math.sqrt(x + 1);
      const r = stopRunTimer(timer);
      const cpu = threadCpuNs() - cpuStart;
      if (r.waitNs > best.wait) best = { wait: r.waitNs, ns: r.ns, cpu, wall: r.wallNs };
      expect(x).toBeGreaterThan(0);
    }
    expect(best.wait).toBeGreaterThan(5e6);
    // What remains is the time the loop really ran: its thread's CPU time, within 15% (a VM's
    // steal time counts as neither CPU nor run-queue wait, and CI machines are busy).
    expect(Math.abs(best.ns - best.cpu) / best.cpu).toBeLessThan(0.15);
    expect(Math.abs(best.ns - best.cpu)).toBeLessThan(Math.abs(best.wall - best.cpu));
    expect(best.wall).toBeGreaterThan(best.ns);
  });
});
