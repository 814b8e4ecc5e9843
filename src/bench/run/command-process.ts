/**
 * Around the timed runs: stderr goes to a scratch file (read back only when a run fails), so
 * nothing is read from pipes while the clock runs; and the shell's own spawn time, which
 * commands run through `sh -c` pay on every run and which is subtracted like hyperfine does.
 */
import { closeSync, fstatSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfError } from "../../core/errors.js";
import type { CommandLauncher } from "./command-launcher.js";

export interface StderrCapture {
  path: string;
  /** Empties the file before a run, so the tail read after a failure is that run's. */
  reset(): void;
  /** The last lines the last run wrote to stderr (at most ~4 KB). */
  readTail(maxLines?: number): string;
  close(): void;
}

export function openStderrCapture(): StderrCapture {
  const dir = mkdtempSync(join(tmpdir(), "perfscope-cmd-"));
  // Append mode: every write lands at the current end, so truncating between runs cannot leave holes.
  const path = join(dir, "stderr.log");
  const fd = openSync(path, "a+");
  return {
    path,
    reset: () => ftruncateSync(fd, 0),
    readTail(maxLines = 8) {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 4096);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString("utf8").split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
      return lines.slice(-maxLines).join("\n");
    },
    close() {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ShellOverhead {
  shell: string;
  /** Median wall time of `shell -c ""`: what every shell-run command pays before its own work. */
  medianNs: number;
  meanNs: number;
  runs: number;
}

/**
 * Times the shell running nothing (`sh -c ""`), after a few warm-up runs that fill the page
 * cache. The median is subtracted from every sample, not the mean: a single slow spawn in
 * the calibration should not shift every corrected time.
 */
export async function measureShellOverhead(shell: string, launcher: CommandLauncher, runs: number, signal?: AbortSignal): Promise<ShellOverhead | null> {
  const times: number[] = [];
  const warmup = 3;
  for (let i = 0; i < warmup + runs; i++) {
    const outcome = await launcher.run([shell, "-c", ""], signal);
    if (outcome.kind === "aborted") return null;
    if (outcome.kind === "spawn-failed" || outcome.exitCode !== 0) {
      const why = outcome.kind === "spawn-failed" ? outcome.error.message : `exit code ${String(outcome.exitCode)}${outcome.signal ? `, signal ${outcome.signal}` : ""}`;
      throw new PerfError("TOOL_MISSING", `the shell "${shell}" could not run an empty command (${why})`, {
        hint: 'Give a shell that exists and accepts -c (e.g. shell: "sh" or "bash"), or shell: false to spawn commands directly.',
        ...(outcome.kind === "spawn-failed" ? { cause: outcome.error } : {}),
      });
    }
    if (i >= warmup) times.push(outcome.ns);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianNs = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const meanNs = times.reduce((a, b) => a + b, 0) / times.length;
  return { shell, medianNs, meanNs, runs: times.length };
}
