import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/**
 * Every run writes its artifacts to one folder: `.perfscope/runs/<time>-<kind>/` under the
 * working directory by default, or the folder given with `--out`.
 */
export interface RunOutput {
  dir: string;
  file(name: string): string;
}

export function formatRunStamp(date: Date): string {
  // 2026-11-26T11-38-05-123Z: sortable, and safe in file names on every OS.
  return date.toISOString().replace(/[:.]/g, "-");
}

export async function createRunOutput(kind: string, options: { out?: string; cwd?: string; now?: Date } = {}): Promise<RunOutput> {
  const cwd = options.cwd ?? process.cwd();
  const dir = options.out
    ? resolve(cwd, options.out)
    : join(cwd, ".perfscope", "runs", `${formatRunStamp(options.now ?? new Date())}-${kind}`);
  await mkdir(dir, { recursive: true });
  return { dir, file: (name: string) => join(dir, name) };
}
