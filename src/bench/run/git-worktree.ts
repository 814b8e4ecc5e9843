import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PerfError } from "../../core/errors.js";

const execFileAsync = promisify(execFile);

/**
 * Each compared version gets its own git worktree: a detached checkout beside the user's
 * repository that shares its object store, so the user's working tree is never touched.
 */
export interface Worktree {
  ref: string;
  commit: string;
  committedAt: string;
  dir: string;
}

async function git(repo: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("git", args, { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") {
      throw new PerfError("TOOL_MISSING", "git is not installed", { hint: "Install git (apt-get install git) to compare versions." });
    }
    throw new PerfError("INTERNAL", `git ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`, { where: { file: repo } });
  }
}

export async function findRepoRoot(cwd: string): Promise<string> {
  try {
    return await git(cwd, ["rev-parse", "--show-toplevel"]);
  } catch (error) {
    if (error instanceof PerfError && error.code === "TOOL_MISSING") throw error;
    throw new PerfError("USAGE", `${cwd} is not inside a git repository`, {
      where: { file: cwd },
      hint: "Run perfscope bench --versions inside the repository whose versions you compare.",
    });
  }
}

/** Resolves a tag, branch, HEAD or commit to a full commit id, or says which refs exist. */
export async function resolveRef(repo: string, ref: string): Promise<{ commit: string; committedAt: string }> {
  let commit: string;
  try {
    commit = await git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    const tags = (await git(repo, ["tag", "--sort=-creatordate"]).catch(() => "")).split("\n").filter(Boolean).slice(0, 8);
    throw new PerfError("TARGET_NOT_FOUND", `git ref "${ref}" does not exist in ${repo}`, {
      where: { file: repo },
      hint: tags.length > 0 ? `Recent tags: ${tags.join(", ")}. Fetch the ref (git fetch --tags) or fix its name.` : "Fetch the ref (git fetch --tags) or fix its name.",
    });
  }
  const committedAt = await git(repo, ["show", "-s", "--format=%cI", commit]);
  return { commit, committedAt };
}

function worktreeRoot(repo: string): string {
  const key = createHash("sha256").update(repo).digest("hex").slice(0, 12);
  return join(tmpdir(), "perfscope-worktrees", key);
}

/** Checks `ref` out into a fresh detached worktree under the system temp folder. */
export async function addWorktree(repo: string, ref: string): Promise<Worktree> {
  const { commit, committedAt } = await resolveRef(repo, ref);
  const root = worktreeRoot(repo);
  await mkdir(root, { recursive: true });
  const dir = join(root, `${commit.slice(0, 12)}-${process.pid}-${Date.now().toString(36)}`);
  await git(repo, ["worktree", "add", "--detach", "--force", dir, commit]);
  return { ref, commit, committedAt, dir };
}

export async function removeWorktree(repo: string, tree: Worktree): Promise<void> {
  await git(repo, ["worktree", "remove", "--force", tree.dir]).catch(() => undefined);
  await rm(tree.dir, { recursive: true, force: true });
  await git(repo, ["worktree", "prune"]).catch(() => undefined);
}

/**
 * The install/build step a version needs before its benchmarks can run. An explicit
 * command wins; otherwise npm ci / npm install when the package has dependencies, then
 * `npm run build` when it has a build script.
 */
export async function planBuildSteps(dir: string, explicit: string | false | undefined): Promise<string[]> {
  if (explicit === false) return [];
  if (typeof explicit === "string") return explicit.trim() ? [explicit] : [];
  const pkgFile = join(dir, "package.json");
  if (!existsSync(pkgFile)) return [];
  let pkg: { dependencies?: object; devDependencies?: object; scripts?: Record<string, string> };
  try {
    pkg = JSON.parse(await readFile(pkgFile, "utf8")) as typeof pkg;
  } catch {
    return [];
  }
  const steps: string[] = [];
  const hasDeps = Object.keys(pkg.dependencies ?? {}).length + Object.keys(pkg.devDependencies ?? {}).length > 0;
  if (hasDeps) steps.push(existsSync(join(dir, "package-lock.json")) ? "npm ci --no-audit --no-fund" : "npm install --no-audit --no-fund");
  if (pkg.scripts?.build) steps.push("npm run build");
  return steps;
}

/** Runs the build steps; a failure names the ref, the step, its exit code and its last output. */
export async function buildWorktree(tree: Worktree, steps: string[], signal?: AbortSignal): Promise<void> {
  for (const step of steps) {
    const { code, tail } = await runShell(step, tree.dir, signal);
    if (signal?.aborted) throw new PerfError("INTERRUPTED", `building ${tree.ref} was interrupted during "${step}"`, { where: { file: tree.dir } });
    if (code !== 0) {
      throw new PerfError("TARGET_EXITED", `building ${tree.ref} (${tree.commit.slice(0, 10)}) failed: "${step}" exited with ${code}`, {
        where: { file: tree.dir },
        hint: `${tail ? `Last output:\n${tail}\n` : ""}Fix the build of that version, or pass --build "<command>" (or --no-build).`,
      });
    }
  }
}

function runShell(command: string, cwd: string, signal?: AbortSignal): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    // Its own process group, so an abort stops npm and everything it started, not just sh.
    const child = spawn("sh", ["-c", command], { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const onAbort = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("close", () => signal?.removeEventListener("abort", onAbort));
    let out = "";
    const keep = (chunk: Buffer): void => {
      out = (out + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", () => resolve({ code: 127, tail: out.trim().split("\n").slice(-10).join("\n") }));
    child.on("close", (code) => resolve({ code: code ?? 1, tail: out.trim().split("\n").slice(-10).join("\n") }));
  });
}
