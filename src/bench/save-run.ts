import { writeFile } from "node:fs/promises";
import { createRunOutput } from "../core/run-output.js";
import { openHistoryStore } from "../store/history-store.js";
import type { BenchComparison, BenchRun } from "./model.js";

export interface SavedBenchRun {
  dir: string;
  files: { run: string; comparisons?: string };
  /** Row id in the history store, or undefined when history is off or failed. */
  historyId?: number;
  /** Why the run did not reach the history store (it is still on disk). */
  historyError?: string;
}

/**
 * Writes a run to its folder (`bench-run.json`, and `comparisons.json` when compared) and
 * appends it to the history store. A history failure never loses the run: the files are
 * written first and the error is returned for the caller to report.
 */
export async function saveBenchRun(
  run: BenchRun,
  options: { cwd?: string; out?: string; comparisons?: BenchComparison[]; history?: string | false; kind?: string } = {},
): Promise<SavedBenchRun> {
  const cwd = options.cwd ?? process.cwd();
  const out = await createRunOutput(options.kind ?? "bench", { cwd, ...(options.out ? { out: options.out } : {}) });
  const files: SavedBenchRun["files"] = { run: out.file("bench-run.json") };
  await writeFile(files.run, JSON.stringify(run, null, 2));
  if (options.comparisons && options.comparisons.length > 0) {
    files.comparisons = out.file("comparisons.json");
    await writeFile(files.comparisons, JSON.stringify(options.comparisons, null, 2));
  }
  const saved: SavedBenchRun = { dir: out.dir, files };
  if (options.history === false || run.results.every((r) => r.state === "errored")) return saved;
  try {
    const store = await openHistoryStore(options.history, { cwd });
    try {
      saved.historyId = await store.saveRun(run);
    } finally {
      await store.close();
    }
  } catch (error) {
    saved.historyError = error instanceof Error ? error.message : String(error);
  }
  return saved;
}
