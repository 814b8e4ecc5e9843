import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, onTestFinished } from "vitest";
import { catchPerfError } from "./test-helpers/catch-perf-error.js";
import { stackFrames } from "../model.js";
import { collectPerfProfile } from "./perf-record.js";
import { perfMapPath } from "./perf-maps.js";
import { selfWeightByFunction } from "./test-helpers/profile-queries.js";

const hotspot = join(fileURLToPath(new URL("./test-programs/", import.meta.url)), "hotspot.mjs");
const root = mkdtempSync(join(tmpdir(), "perfscope-perf-"));
const children: ChildProcess[] = [];
let dirCount = 0;
const freshDir = (): string => join(root, `run-${++dirCount}`);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("collectPerfProfile", () => {
  it("profiles a non-node command for a bounded time and keeps perf.data in outDir", async () => {
    const outDir = freshDir();
    const result = await collectPerfProfile({ command: ["sh", "-c", "while :; do :; done"], durationMs: 1000, outDir, stdio: "ignore" });
    expect(result.profile.samples.stack.length).toBeGreaterThan(50);
    expect(result.profile.frames.length).toBeGreaterThan(0);
    expect(result.profile.meta).toMatchObject({ collector: "linux-perf", command: ["sh", "-c", "while :; do :; done"] });
    expect(result.partial).toBeNull();
    expect(result.rawFiles).toEqual([join(outDir, "perf.data")]);
    // Only perf.data is written (perf renames an older one to perf.data.old, not here).
    expect(readdirSync(outDir)).toEqual(["perf.data"]);
  });

  it("shows the JS function of a node program by name, next to native frames, and removes its perf map", async () => {
    const result = await collectPerfProfile({ command: ["node", hotspot, "1200"], outDir: freshDir(), stdio: "pipe" });
    expect(result.exitCode).toBe(0);
    expect(result.output?.stdout).toMatch(/hotspot done/);
    const self = selfWeightByFunction(result.profile);
    expect(self.get("plantedHotspot") ?? 0).toBeGreaterThan(0);
    // plantedHotspot outweighs coolerNeighbour, as planted (perf's sampling is coarser than V8's).
    expect(self.get("plantedHotspot")!).toBeGreaterThan(self.get("coolerNeighbour") ?? 0);
    const hot = result.profile.frames.findIndex((f) => f.name === "plantedHotspot");
    expect(result.profile.frames[hot]!.kind).toBe("js");
    // One sample's stack holds both the JS function and native frames of the node binary.
    const mixed = result.profile.samples.stack.some((node) => {
      if (node < 0) return false;
      const kinds = new Set(stackFrames(result.profile, node).map((f) => result.profile.frames[f]!.kind));
      return stackFrames(result.profile, node).includes(hot) && kinds.has("native");
    });
    expect(mixed).toBe(true);
    expect(existsSync(perfMapPath(result.profile.meta.pid!))).toBe(false);
  });

  it("profiles a running pid and returns a partial profile when aborted", async () => {
    const target = spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" });
    children.push(target);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const result = await collectPerfProfile({ pid: target.pid!, signal: controller.signal, outDir: freshDir() });
    expect(result.partial?.reason).toMatch(/^interrupted.*SIGINT/);
    expect(result.profile.samples.stack.length).toBeGreaterThan(20);
    expect(result.profile.meta.pid).toBe(target.pid);
    expect(result.exitCode).toBeNull();
    // We did not start it, so it keeps running.
    expect(target.exitCode).toBeNull();
  });

  it("reports a missing perf binary as TOOL_MISSING naming linux-perf", async () => {
    const saved = process.env.PERFSCOPE_PERF;
    process.env.PERFSCOPE_PERF = "/nonexistent/perf";
    try {
      const error = await catchPerfError(collectPerfProfile({ command: ["true"], outDir: freshDir() }));
      expect(error.code).toBe("TOOL_MISSING");
      expect(error.message).toContain("/nonexistent/perf");
      expect(error.hint).toContain("apt-get install linux-perf");
    } finally {
      if (saved === undefined) delete process.env.PERFSCOPE_PERF;
      else process.env.PERFSCOPE_PERF = saved;
    }
  });

  it("rejects a pid that does not exist with TARGET_NOT_FOUND", async () => {
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    const error = await catchPerfError(collectPerfProfile({ pid: gone.pid!, durationMs: 500, outDir: freshDir() }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.where?.pid).toBe(gone.pid);
  });

  it("rejects a command that does not exist with TARGET_NOT_FOUND", async () => {
    const error = await catchPerfError(collectPerfProfile({ command: ["no-such-command-perfscope"], outDir: freshDir() }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.message).toContain("no-such-command-perfscope");
  });

  // Real perf, run as the unprivileged user nobody against a root-owned process: the kernel
  // (perf_event_paranoid, ptrace rules) refuses, and we classify perf's own message.
  it.skipIf(process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv"))("classifies perf's real permission denial with the pid and the sysctl hint", async () => {
    const target = spawn("sleep", ["30"], { stdio: "ignore" });
    children.push(target);
    // Writable for nobody (mkdtemp's parent folder is private), so that the only thing perf
    // can be refused is the profiling itself.
    const outDir = mkdtempSync(join(tmpdir(), "perfscope-perf-nobody-"));
    chmodSync(outDir, 0o777);
    onTestFinished(() => rmSync(outDir, { recursive: true, force: true }));
    const error = await catchPerfError(
      collectPerfProfile({
        pid: target.pid!,
        durationMs: 1000,
        outDir,
        stdio: "ignore",
        perfWrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
      }),
    );
    expect(error.code).toBe("PERMISSION_DENIED");
    expect(error.where?.pid).toBe(target.pid);
    expect(error.message).toContain(`pid ${target.pid}`);
    expect(error.hint).toMatch(/sysctl -w kernel\.perf_event_paranoid=1/);
  });
});
