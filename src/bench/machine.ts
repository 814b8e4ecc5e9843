/**
 * What a benchmark ran on: the machine (its id keys the history, since timings from two
 * machines must never be compared as a change) and the git commit of the code measured.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpus, hostname, totalmem } from "node:os";
import type { GitInfo, MachineInfo } from "./model.js";

export function collectMachineInfo(): MachineInfo {
  const cores = cpus();
  const info = {
    hostname: hostname(),
    cpuModel: cores[0]?.model.trim() || "unknown",
    cores: cores.length,
    platform: process.platform,
    arch: process.arch,
  };
  const id = createHash("sha256").update([info.hostname, info.cpuModel, info.cores, info.platform, info.arch].join("\n")).digest("hex").slice(0, 12);
  return { id, ...info, memoryBytes: totalmem(), node: process.version };
}

/** Runs git in `cwd`; undefined when git is missing, fails, or this is not a repository. */
function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim());
    });
  });
}

/** The commit checked out in `cwd`, its branch, whether the tree has changes, and the commit time. */
export async function readGitInfo(cwd: string): Promise<GitInfo | undefined> {
  const commit = await git(cwd, ["rev-parse", "HEAD"]);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  const [ref, status, committedAt] = await Promise.all([
    git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]),
    git(cwd, ["status", "--porcelain"]),
    git(cwd, ["show", "-s", "--format=%cI", "HEAD"]),
  ]);
  return {
    commit,
    // A detached HEAD has no branch name worth recording.
    ...(ref && ref !== "HEAD" ? { ref } : {}),
    ...(status !== undefined ? { dirty: status.length > 0 } : {}),
    ...(committedAt ? { committedAt } : {}),
  };
}
