import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const work = mkdtempSync(join(tmpdir(), "perfscope-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("perfscope CLI (built)", () => {
  it("profiles the bundled example: planted hotspot ranked first, flame graph written", () => {
    const r = run(["profile", "--out", join(work, "run1"), "--", "node", join(repo, "examples", "hotspot.js")]);
    expect(r.code).toBe(0);
    const first = r.stdout.split("\n").find((l) => /^\s+1\. /.test(l));
    expect(first).toContain("checksumOrders");
    expect(r.stdout).toContain("processed 6 batches"); // the program's own output reaches the user
    expect(existsSync(join(work, "run1", "flamegraph.html"))).toBe(true);
    expect(readFileSync(join(work, "run1", "flamegraph.svg"), "utf8")).toContain("checksumOrders");
  });

  it("--json prints only JSON on stdout", () => {
    const r = run(["profile", "--json", "--quiet", "--out", join(work, "run2"), "--", "node", join(repo, "examples", "hotspot.js")]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { bottlenecks: Array<{ function: string }>; files: Record<string, string> };
    expect(parsed.bottlenecks[0]!.function).toBe("checksumOrders");
    expect(r.stderr).toContain("processed 6 batches");
  });

  it("analyze reads a saved profile in another format", () => {
    const folded = join(work, "s.folded");
    writeFileSync(folded, "main;a 5\nmain;b 50\n");
    const r = run(["analyze", "--format", "markdown", "--out", join(work, "run3"), folded]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| 1 \| `b` \|/);
  });

  it("exit codes: 2 for usage errors and unknown formats, 3 for missing or corrupt files, 0 for help", () => {
    expect(run(["--help"]).code).toBe(0);
    expect(run(["profile", "--help"]).stdout).toContain("Examples:");
    expect(run(["frobnicate"]).code).toBe(2);
    expect(run(["profile"]).code).toBe(2);
    expect(run(["profile", "--bogus", "--", "node", "x.js"]).code).toBe(2);
    expect(run(["profile", "--pid", "abc", "--duration", "1s"]).code).toBe(2);
    const garbage = join(work, "garbage.bin");
    writeFileSync(garbage, Buffer.from([0, 1, 2, 3, 255, 254, 0, 9]));
    const unknown = run(["analyze", garbage]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("garbage.bin");
    const missing = run(["analyze", join(work, "nope.cpuprofile")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("nope.cpuprofile");
  });

  it("a missing target script is a runtime error that names it", () => {
    const r = run(["profile", "--", "node", join(work, "does-not-exist.js")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("does-not-exist.js");
    expect(r.stderr).toContain("TARGET_NOT_FOUND");
  });
});
