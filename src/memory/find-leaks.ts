import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { PerfError } from "../core/errors.js";
import { createRunOutput } from "../core/run-output.js";
import type { LoadOptions } from "../load/model.js";
import { runLoadTest } from "../load/run-load-test.js";
import { delay, spawnProcess, terminateProcess, type StartedProcess } from "../profile/collect/child-process.js";
import { openV8MemorySession } from "./collect/v8-memory.js";
import { parseHeapSnapshotFile } from "./heap/parse-snapshot.js";
import { takeHeapSnapshot } from "./heap/take-snapshot.js";
import { findLeakCandidates, type LeakCandidates } from "./heap/three-snapshot.js";

/** What to repeat between snapshots: a function of the script, a shell command, or HTTP load. */
export type LeakAction = (() => Promise<unknown> | unknown) | string | { load: LoadOptions };

export interface FindLeaksOptions {
  /** A running Node process, or a Node command to start (it gets `startupMs` to come up). */
  target: number | { pid: number } | string[];
  action: LeakAction;
  /** Times the action runs between snapshots (default 1). */
  repeat?: number;
  startupMs?: number;
  out?: string;
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
}

export interface FindLeaksResult {
  candidates: LeakCandidates;
  files: { snapshots: [string, string, string]; result: string };
  summary: string;
}

async function runAction(action: LeakAction, cwd: string, signal?: AbortSignal): Promise<void> {
  if (typeof action === "function") {
    await action();
    return;
  }
  if (typeof action === "string") {
    const code = await runShellAction(action, cwd, signal);
    if (signal?.aborted) throw new PerfError("INTERRUPTED", `interrupted while running the action "${action}"`);
    if (code !== 0) throw new PerfError("TARGET_EXITED", `the action "${action}" exited with ${code}`, { hint: "The action must succeed: it is what the snapshots compare." });
    return;
  }
  const result = await runLoadTest({ ...action.load, ...(signal ? { signal } : {}) });
  // A load that reached nothing exercised nothing: the snapshots would compare idle heaps.
  if (result.requests.ok === 0) {
    throw new PerfError("TARGET_EXITED", `the load on ${action.load.target} completed no successful request (${result.requests.errors} errors)`, {
      where: { url: action.load.target },
      hint: "Check the URL and that the target is listening; the leak search needs the action to run.",
    });
  }
}

/** Runs a shell command in its own process group, so an abort stops everything it started. */
function runShellAction(command: string, cwd: string, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], { cwd, stdio: "ignore", detached: true });
    const onAbort = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", () => resolve(127));
    child.on("close", (c) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(c ?? 1);
    });
  });
}

/**
 * The three-snapshot method, live: snapshot, action, snapshot, action, snapshot; then the
 * objects born between the first two that are still alive in the third, grouped and ranked
 * by retained size with the path that holds them. Snapshots stream to the run folder.
 */
export async function findLeaks(options: FindLeaksOptions): Promise<FindLeaksResult> {
  const cwd = options.cwd ?? process.cwd();
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new PerfError("USAGE", `repeat must be a whole number ≥ 1, got ${repeat}`);
  const out = await createRunOutput("leaks", { cwd, ...(options.out ? { out: options.out } : {}) });
  let started: StartedProcess | null = null;
  const files: [string, string, string] = [out.file("s1.heapsnapshot"), out.file("s2.heapsnapshot"), out.file("s3.heapsnapshot")];
  let session: Awaited<ReturnType<typeof openV8MemorySession>> | null = null;
  try {
    let pid: number;
    if (Array.isArray(options.target)) {
      const [cmd, ...args] = options.target;
      if (!cmd) throw new PerfError("USAGE", "empty command", { hint: "e.g. findLeaks({ target: ['node', 'server.js'], action })" });
      started = spawnProcess(cmd, args, { cwd, stdio: "ignore" });
      if (started.pid === undefined) throw new PerfError("TARGET_NOT_FOUND", `could not start ${options.target.join(" ")}`, { hint: "Check the command and that node is on PATH." });
      pid = started.pid;
      await delay(options.startupMs ?? 1000, options.signal);
      if (started.status) throw new PerfError("TARGET_EXITED", `${options.target.join(" ")} exited before the first snapshot`, { where: { pid } });
    } else {
      pid = typeof options.target === "number" ? options.target : options.target.pid;
    }
    session = await openV8MemorySession(pid, options.signal ? { signal: options.signal } : {});
    for (let i = 0; i < 3; i++) {
      if (i > 0) {
        for (let r = 0; r < repeat; r++) {
          options.onProgress?.(`action ${i}.${r + 1}`);
          await runAction(options.action, cwd, options.signal);
        }
      }
      options.onProgress?.(`snapshot ${i + 1} of 3`);
      await takeHeapSnapshot(session.cdp, files[i]!, options.signal ? { signal: options.signal } : {});
    }
  } catch (error) {
    if (error instanceof PerfError) error.partialFiles.push(...files.filter((f) => existsSync(f)));
    throw error;
  } finally {
    // Whatever failed, a command we started does not outlive the search, nor our inspector.
    if (session) await session.close();
    if (started && !started.status) await terminateProcess(started);
  }
  options.onProgress?.("parsing snapshots");
  const graphs = [];
  for (const file of files) graphs.push(await parseHeapSnapshotFile(file, options.signal ? { signal: options.signal } : {}));
  const candidates = findLeakCandidates(graphs[0]!, graphs[1]!, graphs[2]!);
  const result = out.file("leak-candidates.json");
  await writeFile(result, JSON.stringify(candidates, null, 2));
  const summary = describeLeakCandidates(candidates);
  return { candidates, files: { snapshots: files, result }, summary };
}

export function describeLeakCandidates(c: LeakCandidates): string {
  const lines = [`${c.allocatedBetween1And2} objects allocated between snapshots 1 and 2; ${c.survivingIn3} still alive in snapshot 3.`];
  if (c.groups.length === 0) lines.push("No surviving objects: nothing the action allocated outlived a further round.");
  c.groups.slice(0, 10).forEach((g, i) => {
    lines.push(`${i + 1}. ${g.summary}${g.allocationSite ? ` — allocated at ${g.allocationSite}` : ""}`);
    if (g.retainerPath) lines.push(`   ${g.retainerPath}`);
  });
  return lines.join("\n");
}
