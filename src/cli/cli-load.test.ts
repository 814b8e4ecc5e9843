import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startErrorServer, startSlowAboveConcurrencyServer } from "../load/test-servers/index.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const work = mkdtempSync(join(tmpdir(), "perfscope-cli-load-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Async spawn: the test servers run in this process and must keep answering meanwhile.
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: work });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("perfscope load (built CLI, real local servers)", () => {
  it("runs a bounded closed-model test, saves the result, and exits 1 when a threshold fails", async () => {
    const server = await startSlowAboveConcurrencyServer({ concurrency: 4, serviceMs: 20 });
    try {
      const ok = await run(["load", "-c", "4", "-d", "1.5s", "--workers", "1", "--threshold", "p95<1s", "--out", join(work, "ok"), server.url]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/✓ p95<1s/);
      const saved = JSON.parse(readFileSync(join(work, "ok", "load-result.json"), "utf8")) as { requests: { completed: number }; latency: { p50: number } };
      expect(saved.requests.completed).toBeGreaterThan(50);
      // Each request takes at least the server's 20 ms service time.
      expect(saved.latency.p50).toBeGreaterThanOrEqual(19);
      expect(existsSync(join(work, "ok", "load-report.html"))).toBe(true);

      const failing = await run(["load", "-c", "4", "-d", "1s", "--workers", "1", "--threshold", "p50<5ms", "--json", "--quiet", "--out", join(work, "fail"), server.url]);
      expect(failing.code).toBe(1);
      const json = JSON.parse(failing.stdout) as { thresholds: Array<{ expression: string; ok: boolean }> };
      expect(json.thresholds).toEqual([expect.objectContaining({ expression: "p50<5ms", ok: false })]);
    } finally {
      await server.close();
    }
  });

  it("Ctrl-C stops the run, saves and prints the partial result", async () => {
    const server = await startSlowAboveConcurrencyServer({ concurrency: 4, serviceMs: 5 });
    try {
      const out = join(work, "interrupted");
      const child = spawn(process.execPath, [cli, "load", "-c", "4", "-d", "30s", "--workers", "1", "--out", out, server.url], { cwd: work });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      await new Promise((r) => setTimeout(r, 2000));
      child.kill("SIGINT");
      const code = await new Promise<number | null>((r) => child.on("close", r));
      expect(code).toBe(0);
      expect(stderr).toMatch(/partial result/);
      const saved = JSON.parse(readFileSync(join(out, "load-result.json"), "utf8")) as { partial: { reason: string } | null; durationMs: number; requests: { completed: number } };
      expect(saved.partial?.reason).toMatch(/interrupt/i);
      expect(saved.durationMs).toBeLessThan(15_000);
      expect(saved.requests.completed).toBeGreaterThan(0);
      expect(stdout).toContain("Load test");
    } finally {
      await server.close();
    }
  });

  it("counts errors by kind and status from a failing server", async () => {
    const server = await startErrorServer({ resetEvery: 5, errorEvery: 3 });
    try {
      const r = await run(["load", "-c", "2", "-n", "300", "--workers", "1", "--json", "--quiet", "--out", join(work, "errors"), server.url]);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { errors: Record<string, number>; statusCodes: Record<string, number> };
      expect(json.errors.reset).toBeGreaterThan(0);
      expect(json.statusCodes["500"]).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it("refuses unbounded runs and remote targets as usage errors, and exports a k6 script", async () => {
    expect((await run(["load", "http://127.0.0.1:9/"])).code).toBe(2);
    const remote = await run(["load", "-d", "1s", "http://example.com/"]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("example.com");
    const k6 = join(work, "load.js");
    const exported = await run(["load", "-R", "200", "-d", "30s", "--threshold", "p95<200ms", "--export-k6", k6, "http://127.0.0.1:3000/"]);
    expect(exported.code).toBe(0);
    const script = readFileSync(k6, "utf8");
    expect(script).toContain("constant-arrival-rate");
    expect(script).toContain("p(95)<200");
  });
});
