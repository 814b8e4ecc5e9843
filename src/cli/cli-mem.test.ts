import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const work = mkdtempSync(join(tmpdir(), "perfscope-cli-mem-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8", timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("perfscope mem (built CLI)", () => {
  it("reports /proc figures for a non-Node process and says V8 figures need Node", () => {
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const r = run(["mem", String(sleeper.pid), "--json"]);
      expect(r.code).toBe(0);
      const stats = JSON.parse(r.stdout) as { pid: number; rss: number; v8: unknown; notes: string[] };
      expect(stats.pid).toBe(sleeper.pid);
      expect(stats.rss).toBeGreaterThan(0);
      expect(stats.v8).toBeNull();
      expect(stats.notes.join(" ")).toMatch(/not a Node/i);
    } finally {
      sleeper.kill();
    }
  });

  it("a PID that does not exist is a clear runtime error naming it", () => {
    const r = run(["mem", "999999"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/999999/);
  });

  it("watches a started command and refuses to call 3 seconds a leak", () => {
    const r = run(["mem", "watch", "-d", "3s", "-i", "250ms", "--json", "--", "node", "-e", "const a=[];setInterval(()=>a.push(new Array(1000).fill(1)),20)"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { verdict: { state: string; reason: string }; series: { samples: number } };
    expect(out.series.samples).toBeGreaterThanOrEqual(8);
    expect(out.verdict.state).toBe("not-enough-data");
  });

  it("draws the allocation flame graph of a command, heaviest allocator first", () => {
    const r = run(["mem", "alloc", "-d", "20s", "--json", "--", "node", join(repo, "src", "memory", "alloc", "test-programs", "alloc-ratio.mjs")]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { top: { function: string }[]; files: Record<string, string> };
    expect(out.top[0]!.function).toBe("makeBigStrings");
  });

  it("finds the planted leak with three live snapshots, and names what holds it", async () => {
    const leaky = spawn(process.execPath, [join(repo, "src", "memory", "heap", "test-programs", "leaky.mjs"), "1500"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      await new Promise<void>((ok) => leaky.stdout!.once("data", () => ok()));
      const r = await new Promise<{ code: number | null; stdout: string }>((ok) => {
        const child = spawn(process.execPath, [cli, "mem", "leaks", "--pid", String(leaky.pid), "--action", `kill -USR2 ${leaky.pid}; sleep 0.3`, "--out", join(work, "leaks")], { cwd: work });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.on("close", (code) => ok({ code, stdout }));
      });
      expect(r.code).toBe(0);
      const first = r.stdout.split("\n").find((l) => /^1\. /.test(l));
      expect(first).toMatch(/1,?500 LeakedThing/);
      expect(r.stdout).toMatch(/leakyCache/);
      expect(r.stdout).not.toMatch(/TransientGarbage/);
      // The target keeps running after we leave.
      expect(leaky.exitCode).toBeNull();
    } finally {
      leaky.kill();
    }
  }, 90_000);

  it("without a target or duration, says what is missing (exit 2)", () => {
    expect(run(["mem", "watch", "--", "node", "-e", "0"]).code).toBe(2);
    expect(run(["mem", "watch", "-d", "2s"]).code).toBe(2);
  });
});
