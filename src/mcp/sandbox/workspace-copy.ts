/**
 * Parent-side writes into a workspace the script controls. The script may have planted
 * symlinks, so every destination is created new (a fresh folder, files opened with
 * O_EXCL, which fails on any existing name, links included); callers hold the child
 * stopped meanwhile so nothing is swapped between the check and the write.
 */
import { copyFile, constants, lstat, mkdir, readdir, realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import { PerfError } from "../../core/errors.js";
import type { WrittenFile } from "./types.js";

async function freshName(dir: string, base: string): Promise<string> {
  const taken = new Set(await readdir(dir));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Copies files into the workspace: into a new folder named after `folder` when given,
 * else straight into the workspace root under their own names. Returns workspace-relative paths.
 */
export async function copyIntoWorkspace(workspace: string, files: string[], folder: string | null): Promise<string[]> {
  const root = await lstat(workspace);
  if (!root.isDirectory()) throw new PerfError("INTERNAL", `The workspace ${workspace} is no longer a folder.`, { where: { file: workspace } });
  let dest = workspace;
  if (folder !== null) {
    dest = join(workspace, await freshName(workspace, folder));
    await mkdir(dest); // not recursive: fails if anything (a link included) took the name
  }
  const copied: string[] = [];
  for (const file of files) {
    if (!(await stat(file)).isFile()) continue;
    const target = join(dest, await freshName(dest, basename(file)));
    await copyFile(file, target, constants.COPYFILE_EXCL);
    copied.push(relative(workspace, target).split(sep).join("/"));
  }
  return copied;
}

/** Every regular file under the workspace with its size and mtime (links are not followed). */
export async function snapshotWorkspace(workspace: string, limit = 10_000): Promise<Map<string, { bytes: number; mtimeMs: number }>> {
  const out = new Map<string, { bytes: number; mtimeMs: number }>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (out.size >= limit) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const s = await lstat(full).catch(() => null);
        if (s) out.set(relative(workspace, full).split(sep).join("/"), { bytes: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk(workspace);
  return out;
}

/** Files that are new or changed between two snapshots. */
export function listWrittenFiles(before: Map<string, { bytes: number; mtimeMs: number }>, after: Map<string, { bytes: number; mtimeMs: number }>): WrittenFile[] {
  const written: WrittenFile[] = [];
  for (const [path, now] of after) {
    const was = before.get(path);
    if (!was || was.bytes !== now.bytes || was.mtimeMs !== now.mtimeMs) written.push({ path, bytes: now.bytes });
  }
  return written.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Symlinks in the workspace that resolve outside it. Node 20's permission model checks
 * the path as written, not where a link leads, so such a link would let a script read or
 * write outside; the script cannot make links itself (fs.symlink needs full access).
 */
export async function findEscapingLinks(workspace: string, limit = 10_000): Promise<string[]> {
  const escaping: string[] = [];
  let seen = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (++seen > limit) return;
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => null);
        // A dangling link is refused too: its target could be created outside later.
        const rel = target === null ? ".." : relative(workspace, target);
        if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) escaping.push(relative(workspace, full));
      } else if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(workspace);
  return escaping;
}
