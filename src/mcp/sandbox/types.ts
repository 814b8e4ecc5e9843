/**
 * The shapes of the code-execution sandbox: what the server's policy allows a script to
 * reach through brokered library calls, what a run is asked to do, and what it reports.
 */

/** What a script may reach beyond its workspace, always through a brokered library call. */
export interface ScriptPolicy {
  /** URL origins ("http://127.0.0.1:8080") or hosts ("127.0.0.1", "api.local:3000") load tests may target. */
  allowedTargets: string[];
  /** Command prefixes a script may profile or benchmark, e.g. "node app.js" or "node". */
  allowedCommands: string[];
  /** Folders (or files) outside the workspace the script may read through `perf.readTextFile`/`perf.copyToWorkspace`. */
  readPaths: string[];
}

/** What the operator's server offers brokered calls besides the policy: never chosen by the script. */
export interface SandboxServices {
  /** The server's root: benchmarkVersions works on its git repository; started commands run in it. */
  root?: string;
  /** The RUM store getRumData reads (SQLite path or postgres:// URL); default .perfscope/rum.sqlite under the root. */
  rumStore?: string;
}

export interface RunScriptOptions {
  /** TypeScript (or JavaScript) source; top-level `await` works. */
  code: string;
  /** The run's folder: the script's cwd and the only place it may write. Created if missing. */
  workspace: string;
  /** Wall-clock limit; the child's whole process tree is killed at it (default 60 000). */
  timeoutMs?: number;
  /** V8 heap limit; the process's data segment is capped a little above it (default 512). */
  memoryMb?: number;
  /** stdout+stderr kept, in bytes (default 16 384); the rest is counted and dropped. */
  outputCapBytes?: number;
  policy: ScriptPolicy;
  services?: SandboxServices;
  /** JSON data the script sees as the frozen global `args` (a skill's arguments); default {}. */
  args?: unknown;
  signal?: AbortSignal;
  /**
   * Run even when no empty network namespace can be made (the child could then open
   * sockets freely). Off by default: without it such a run is refused.
   */
  allowUnconfinedNetwork?: boolean;
}

export type ScriptState = "ok" | "error" | "timeout" | "memory" | "denied" | "cancelled";

export interface WrittenFile {
  /** Relative to the workspace, with forward slashes. */
  path: string;
  bytes: number;
}

export interface ScriptResult {
  state: ScriptState;
  /** What the script printed (stdout and stderr interleaved as they came), capped. */
  output: string;
  truncated: boolean;
  /** Bytes printed in total, including what the cap dropped. */
  outputBytes: number;
  durationMs: number;
  /** Files created or changed in the workspace by the run. */
  files: WrittenFile[];
  exitCode: number | null;
  signal: string | null;
  /** For every state but "ok": what happened, in one or two sentences. */
  message?: string;
  /** The line in the TypeScript source the error points at, when known. */
  line?: number;
  /** Every refusal (policy or permission model) seen during the run, even ones the script caught. */
  denials: string[];
  /** How the child was confined: e.g. ["permission-model", "net-namespace", "pid-namespace", "rlimit-data"]. */
  confinement: string[];
}

/** A message from the child's runner to the parent, one JSON object per line on fd 3. */
export type ChildMessage =
  | { t: "call"; id: number; fn: string; args: unknown[] }
  | { t: "ready" }
  | { t: "done" }
  | { t: "error"; kind: "exception" | "rejection"; name: string; message: string; code?: string; detail?: string; stack?: string };

/** The parent's answer to a brokered call. */
export type ParentMessage =
  | { t: "result"; id: number; value: unknown }
  | { t: "fail"; id: number; error: { code: string; message: string; hint?: string; denied?: boolean } };
