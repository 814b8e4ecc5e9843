/**
 * Finds bench files: *.bench.{ts,mts,js,mjs} under folders, or files named directly.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";

const BENCH_FILE_RE = /\.bench\.(?:ts|mts|js|mjs)$/;
const LOADABLE_EXT = new Set([".ts", ".mts", ".js", ".mjs", ".cts", ".cjs"]);
// Dependencies, VCS data, build output and perfscope's own output never hold the user's benches.
const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", ".perfscope"]);

export function isBenchFileName(name: string): boolean {
  return BENCH_FILE_RE.test(name);
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(path, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isBenchFileName(entry.name)) {
      found.push(path);
    }
  }
}

/**
 * Sorted, de-duplicated absolute paths of the bench files in `rootOrFiles` (folders are
 * searched recursively; a file named directly is taken whatever its name, if it is a module).
 * Relative paths resolve against `cwd`.
 */
export async function discoverBenchFiles(rootOrFiles: string | string[], cwd: string): Promise<string[]> {
  const targets = typeof rootOrFiles === "string" ? [rootOrFiles] : rootOrFiles;
  const found: string[] = [];
  for (const target of targets) {
    const path = resolve(cwd, target);
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new PerfError("TARGET_NOT_FOUND", `bench file or folder not found: ${target}`, {
        where: { file: path },
        hint: `Check the path (relative paths resolve against ${cwd}); bench files are named like app.bench.ts.`,
      });
    }
    if (info.isDirectory()) {
      await walk(path, found);
    } else if (LOADABLE_EXT.has(extname(path))) {
      found.push(path);
    } else {
      throw new PerfError("USAGE", `not a JavaScript or TypeScript module: ${target}`, {
        where: { file: path },
        hint: "Bench files are .ts, .mts, .js or .mjs modules that call bench(name, fn).",
      });
    }
  }
  return [...new Set(found)].sort();
}
