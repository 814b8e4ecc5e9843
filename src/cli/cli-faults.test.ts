import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const programs = join(repo, "src", "profile", "collect", "test-programs");
const work = mkdtempSync(join(tmpdir(), "perfscope-cli-faults-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("perfscope profile: interrupted and failing targets keep their results", () => {
  it("Ctrl-C (SIGINT) stops profiling, saves the partial profile, analyses it and exits 0", async () => {
    const out = join(work, "interrupted");
    const child = spawn(process.execPath, [cli, "profile", "--out", out, "--", "node", join(programs, "long-running.mjs"), "30000"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // Interrupt once the program is running and being sampled.
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`target never became ready: ${stdout} ${stderr}`)), 20_000);
      child.stdout.on("data", () => {
        if (stdout.includes("ready pid=")) {
          clearTimeout(timer);
          setTimeout(res, 1500);
        }
      });
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
    expect(code).toBe(0);
    expect(stdout).toContain("attachHotspot");
    expect(stderr).toMatch(/partial profile/);
    expect(stderr).toContain(out);
    const analysis = JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")) as { profile: { partial: string | null }; bottlenecks: Array<{ function: string }> };
    expect(analysis.profile.partial).toMatch(/interrupt|Ctrl-C/i);
    expect(analysis.bottlenecks[0]!.function).toBe("attachHotspot");
    expect(existsSync(join(out, "flamegraph.svg"))).toBe(true);
  });

  it("a target that fails still gets its profile saved, and the report says so", () => {
    const out = join(work, "failing");
    const r = spawnSync(process.execPath, [cli, "profile", "--out", out, "--", "node", join(programs, "hotspot.mjs"), "800", "3"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("plantedHotspot");
    expect(r.stdout + r.stderr).toMatch(/exited with code 3/);
    expect(existsSync(join(out, "profile.cpuprofile"))).toBe(true);
  });
});
