import { getEventListeners } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { pidExists } from "./child-process.js";
import { collectNodeCpuProfile } from "./node-start.js";
import { catchPerfError } from "./test-helpers/catch-perf-error.js";
import { hottestFunction, selfWeightByFunction } from "./test-helpers/profile-queries.js";
import type { CollectProgress } from "./types.js";

const programs = fileURLToPath(new URL("./test-programs/", import.meta.url));
const hotspot = join(programs, "hotspot.mjs");
const outDir = mkdtempSync(join(tmpdir(), "perfscope-node-start-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Resolves with the target's pid once the collector reports that profiling started. */
function pidFromProgress(): { onProgress: (e: CollectProgress) => void; pid: Promise<number> } {
  let resolve: (pid: number) => void = () => undefined;
  const pid = new Promise<number>((r) => (resolve = r));
  return {
    pid,
    onProgress: (e) => {
      const m = e.phase === "profiling" ? /pid (\d+)/.exec(e.message ?? "") : null;
      if (m) resolve(Number(m[1]));
    },
  };
}

describe("collectNodeCpuProfile", () => {
  it("finds the planted hotspot, fills meta and keeps the raw profile", async () => {
    const events: CollectProgress[] = [];
    const result = await collectNodeCpuProfile({
      command: ["node", hotspot, "1500"],
      stdio: "pipe",
      outDir,
      onProgress: (e) => events.push(e),
    });
    expect(hottestFunction(result.profile)).toBe("plantedHotspot");
    const self = selfWeightByFunction(result.profile);
    // The program does ~4x the work in plantedHotspot as in coolerNeighbour.
    expect(self.get("plantedHotspot")!).toBeGreaterThan(2 * (self.get("coolerNeighbour") ?? 0));
    expect(result.exitCode).toBe(0);
    expect(result.partial).toBeNull();
    const meta = result.profile.meta;
    expect(meta.collector).toBe("v8-inspector");
    expect(meta.command).toEqual(["node", hotspot, "1500"]);
    expect(meta.pid).toBeGreaterThan(0);
    expect(meta.sampleRateHz).toBeGreaterThan(0);
    expect(meta.durationMs).toBeGreaterThanOrEqual(1400);
    expect(Date.parse(meta.startTime!)).not.toBeNaN();
    // The program's output is kept, the inspector's banners are not.
    expect(result.output?.stdout).toMatch(/hotspot done/);
    expect(result.output?.stderr).not.toMatch(/Debugger|For help|Waiting for the debugger/);
    expect(result.rawFiles).toHaveLength(1);
    expect(JSON.parse(readFileSync(result.rawFiles[0]!, "utf8"))).toHaveProperty("samples");
    // Progress: each phase, and profiling ticks at least once a second.
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(["starting", "profiling", "stopping", "converting"]));
    const ticks = events.filter((e) => e.phase === "profiling").map((e) => e.elapsedMs);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeLessThanOrEqual(1000);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
  });

  it("profiles a program that forks: the child runs instead of waiting for a debugger", async () => {
    const started = Date.now();
    const result = await collectNodeCpuProfile({ command: ["node", join(programs, "forking.mjs")], stdio: "pipe" });
    expect(result.exitCode).toBe(0);
    expect(result.output?.stdout).toContain("child done true");
    expect(result.output?.stdout).toContain("parent saw child exit 0");
    // perfscope's own preload (waiting for the inspector) is not part of the program's profile.
    const names = new Set(result.profile.samples.stack.filter((n) => n >= 0).map((n) => result.profile.frames[result.profile.stacks.frame[n]!]!.name));
    expect(names.has("waitForDebugger")).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("returns the profile of a target that exits with a non-zero code, marked partial", async () => {
    const controller = new AbortController();
    const result = await collectNodeCpuProfile({ command: ["node", hotspot, "400", "3"], stdio: "ignore", signal: controller.signal });
    // Nothing stays subscribed to the caller's signal (they would pile up over many runs).
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(result.exitCode).toBe(3);
    expect(result.partial?.reason).toMatch(/exited with code 3/);
    expect(result.profile.meta.partial).toEqual(result.partial);
    expect(result.profile.samples.stack.length).toBeGreaterThan(0);
  });

  it("says so when the target exits before the requested duration", async () => {
    const result = await collectNodeCpuProfile({ command: ["node", hotspot, "300"], durationMs: 5000, stdio: "ignore" });
    expect(result.exitCode).toBe(0);
    expect(result.partial?.reason).toMatch(/before the requested 5\.00s/);
  });

  it("stops after durationMs and terminates the target it started", async () => {
    const { onProgress, pid } = pidFromProgress();
    const t0 = Date.now();
    const result = await collectNodeCpuProfile({ command: ["node", hotspot, "60000"], durationMs: 1000, stdio: "ignore", onProgress });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(result.partial).toBeNull();
    expect(result.exitCode).toBeNull();
    expect(pidExists(await pid)).toBe(false);
    expect(hottestFunction(result.profile)).toBe("plantedHotspot");
  });

  it("keeps what was collected when aborted mid-run", async () => {
    const controller = new AbortController();
    const { onProgress, pid } = pidFromProgress();
    // Counted from the start of profiling, not of the test: start-up is slow on a busy machine.
    void pid.then(() => setTimeout(() => controller.abort(), 1000));
    const result = await collectNodeCpuProfile({ command: ["node", hotspot, "60000"], signal: controller.signal, stdio: "ignore", onProgress });
    expect(result.partial?.reason).toMatch(/^interrupted/);
    expect(result.profile.meta.partial?.reason).toMatch(/^interrupted/);
    expect(result.profile.samples.stack.length).toBeGreaterThan(100);
    expect(pidExists(await pid)).toBe(false);
  });

  it("reports a target killed with SIGKILL as TARGET_EXITED with the data lost", async () => {
    const { onProgress, pid } = pidFromProgress();
    void pid.then((p) => setTimeout(() => process.kill(p, "SIGKILL"), 300));
    const error = await catchPerfError(collectNodeCpuProfile({ command: ["node", hotspot, "60000"], stdio: "ignore", onProgress, durationMs: 20_000 }));
    expect(error.code).toBe("TARGET_EXITED");
    expect(error.message).toMatch(/SIGKILL/);
    expect(error.message).toMatch(/lost/);
    expect(error.where?.pid).toBe(await pid);
    expect(error.hint).toMatch(/durationMs|Ctrl-C/);
  });

  it("rejects a missing script with TARGET_NOT_FOUND naming it", async () => {
    const missing = join(outDir, "no-such-script.js");
    const error = await catchPerfError(collectNodeCpuProfile({ command: ["node", missing], stdio: "ignore" }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.message).toContain("no-such-script.js");
    expect(error.where?.file).toBe(missing);
  });

  it("rejects a command that does not exist with TARGET_NOT_FOUND", async () => {
    const error = await catchPerfError(collectNodeCpuProfile({ command: ["/nonexistent/bin/node", hotspot], stdio: "ignore" }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.message).toContain("/nonexistent/bin/node");
  });

  it("refuses a non-node command with a hint to use perf", async () => {
    const error = await catchPerfError(collectNodeCpuProfile({ command: ["sh", "-c", "true"], stdio: "ignore" }));
    expect(error.code).toBe("USAGE");
    expect(error.hint).toMatch(/perf/);
  });
});
