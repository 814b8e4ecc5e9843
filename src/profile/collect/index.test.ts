import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { DEFAULT_SAMPLE_RATE_HZ, chooseCollector, collectProfile } from "./index.js";
import { hottestFunction } from "./test-helpers/profile-queries.js";

const programs = fileURLToPath(new URL("./test-programs/", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "perfscope-collect-"));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("chooseCollector", () => {
  it("picks the inspector for node commands and node pids, perf for the rest", async () => {
    expect(chooseCollector({ command: ["node", "app.js"] })).toBe("inspector");
    expect(chooseCollector({ command: [process.execPath, "app.js"] })).toBe("inspector");
    expect(chooseCollector({ command: ["sh", "-c", "true"] })).toBe("perf");
    expect(chooseCollector({ command: ["node", "app.js"] }, "perf")).toBe("perf");
    const node = spawn("node", ["-e", "setTimeout(() => {}, 20000)"], { stdio: "ignore" });
    const sleeper = spawn("sleep", ["20"], { stdio: "ignore" });
    children.push(node, sleeper);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(chooseCollector({ pid: node.pid! })).toBe("inspector");
    expect(chooseCollector({ pid: sleeper.pid! })).toBe("perf");
  });

  it("rejects a pid that does not exist", async () => {
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    expect(() => chooseCollector({ pid: gone.pid! })).toThrow(PerfError);
  });
});

describe("collectProfile", () => {
  it("profiles a node command with the V8 inspector at the default rate", async () => {
    const result = await collectProfile({ target: { command: ["node", join(programs, "hotspot.mjs"), "800"] }, outDir, stdio: "ignore" });
    expect(result.profile.meta.collector).toBe("v8-inspector");
    expect(result.profile.meta.sampleRateHz).toBe(DEFAULT_SAMPLE_RATE_HZ);
    expect(hottestFunction(result.profile)).toBe("plantedHotspot");
    expect(result.rawFiles).toEqual([join(outDir, "cpu.cpuprofile")]);
  });

  it("profiles any other command with perf", async () => {
    const result = await collectProfile({ target: { command: ["sh", "-c", "while :; do :; done"] }, durationMs: 700, outDir, stdio: "ignore" });
    expect(result.profile.meta.collector).toBe("linux-perf");
    expect(result.profile.samples.stack.length).toBeGreaterThan(20);
    expect(result.rawFiles).toEqual([join(outDir, "perf.data")]);
  });
});
