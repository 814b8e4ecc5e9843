import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, hostname, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectMachineInfo, readGitInfo } from "./machine.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "perfscope-machine-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("collectMachineInfo", () => {
  it("describes this machine with a stable short id", () => {
    const info = collectMachineInfo();
    expect(info).toMatchObject({ hostname: hostname(), cores: cpus().length, memoryBytes: totalmem(), platform: process.platform, arch: process.arch, node: process.version });
    expect(info.id).toMatch(/^[0-9a-f]{12}$/);
    expect(collectMachineInfo().id).toBe(info.id);
  });
});

describe("readGitInfo", () => {
  it("reads commit, branch, dirtiness and commit time of a repository", async () => {
    const repo = tempDir();
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q", "-b", "trunk");
    writeFileSync(join(repo, "a.txt"), "1");
    git("add", "a.txt");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one", "--date", "2024-03-01T10:00:00Z");
    const clean = await readGitInfo(repo);
    expect(clean).toEqual({ commit: git("rev-parse", "HEAD"), ref: "trunk", dirty: false, committedAt: git("show", "-s", "--format=%cI", "HEAD") });
    expect(clean?.commit).toMatch(/^[0-9a-f]{40}$/);
    writeFileSync(join(repo, "a.txt"), "2");
    expect((await readGitInfo(repo))?.dirty).toBe(true);
  });

  it("returns undefined outside a repository", async () => {
    expect(await readGitInfo(tempDir())).toBeUndefined();
  });
});
