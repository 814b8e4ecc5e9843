/**
 * The MCP side of a script run, shared by run_script and run_skill: a fresh run folder as
 * the workspace, the request's cancellation and progress token wired to the run, and the
 * result as a tool answer whose text is what the script printed (capped by the sandbox).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { runScript } from "./run-script.js";
import type { ScriptPolicy, ScriptResult } from "./types.js";

/** What the operator decides for every script the server runs. */
export interface ScriptToolsOptions {
  /** Targets, commands and readable folders brokered calls may reach (see ScriptPolicy). */
  policy: ScriptPolicy;
  /** Wall-clock limit when the call gives none (default 120 000 ms). */
  defaultTimeoutMs?: number;
  /** Highest timeoutMs a call may ask for (default 600 000 ms). */
  maxTimeoutMs?: number;
  /** Heap limit when the call gives none (default 512 MB). */
  defaultMemoryMb?: number;
  /** Highest memoryMb a call may ask for (default 2048 MB). */
  maxMemoryMb?: number;
  /** Run scripts even where no empty network namespace can be made (off: such runs are refused). */
  allowUnconfinedNetwork?: boolean;
  /** Where the shipped skills are (default: skills/performance/ of the installed package). */
  shippedSkillsDir?: string;
  /** How often a running script reports progress to a client that asked (default 5000 ms). */
  progressIntervalMs?: number;
}

export const OUTPUT_CAP_BYTES = 16 * 1024;

/**
 * The structured result of run_script and run_skill. What the script printed is the text
 * content only: repeating it here would double what an agent's context receives.
 */
export const scriptOutputShape = {
  state: z.enum(["ok", "error", "timeout", "memory", "denied", "cancelled"]),
  truncated: z.boolean(),
  outputBytes: z.number().describe(`bytes printed in total (the text content; capped at ${OUTPUT_CAP_BYTES} bytes), including what the cap dropped`),
  durationMs: z.number(),
  workspace: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number() })).describe("written files, relative to workspace (each also a resource link)"),
  message: z.string().optional(),
  line: z.number().optional(),
  denials: z.array(z.string()),
};

export interface ScriptRequest {
  code: string;
  timeoutMs?: number | undefined;
  memoryMb?: number | undefined;
  args?: unknown;
}

/** The parts of the SDK's request `extra` a run uses. */
export interface ScriptCallExtra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number } | undefined;
  sendNotification: (n: { method: "notifications/progress"; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
}

const MIME_BY_EXT: Record<string, string> = { json: "application/json", cpuprofile: "application/json", svg: "image/svg+xml", html: "text/html", md: "text/markdown", txt: "text/plain", folded: "text/plain", csv: "text/csv" };
const MAX_LINKS = 20;

function mimeFor(path: string): string {
  return MIME_BY_EXT[path.slice(path.lastIndexOf(".") + 1)] ?? "application/octet-stream";
}

export function clampLimit(asked: number | undefined, fallback: number, max: number): number {
  return Math.min(asked ?? fallback, max);
}

/** Runs the code in `workspace` and reports progress every interval while it runs. */
export async function runScriptCall(options: ScriptToolsOptions, services: { root: string; rumStore?: string }, workspace: string, request: ScriptRequest, extra: ScriptCallExtra) {
  const timeoutMs = clampLimit(request.timeoutMs, options.defaultTimeoutMs ?? 120_000, options.maxTimeoutMs ?? 600_000);
  const memoryMb = clampLimit(request.memoryMb, options.defaultMemoryMb ?? 512, options.maxMemoryMb ?? 2048);
  const token = extra._meta?.progressToken;
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  if (token !== undefined) {
    timer = setInterval(() => {
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      extra
        .sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: seconds, total: Math.ceil(timeoutMs / 1000), message: `script running for ${seconds} s (limit ${Math.ceil(timeoutMs / 1000)} s)` } })
        .catch(() => undefined);
    }, options.progressIntervalMs ?? 5000);
  }
  try {
    const result = await runScript({
      code: request.code,
      workspace,
      timeoutMs,
      memoryMb,
      outputCapBytes: OUTPUT_CAP_BYTES,
      policy: options.policy,
      services,
      ...(request.args !== undefined ? { args: request.args } : {}),
      signal: extra.signal,
      ...(options.allowUnconfinedNetwork ? { allowUnconfinedNetwork: true } : {}),
    });
    return buildScriptToolResult(result, workspace);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** Text = the script's output (plus what went wrong); links to the files it wrote; the rest structured. */
export function buildScriptToolResult(result: ScriptResult, workspace: string) {
  const files = result.files.map((f) => ({ path: f.path, bytes: f.bytes }));
  let text = result.output;
  if (result.state !== "ok") text += `${text && !text.endsWith("\n") ? "\n" : ""}[script ${result.state}] ${result.message ?? ""}`.trimEnd();
  else if (text === "") text = "(the script printed nothing)";
  const hidden = files.length - MAX_LINKS;
  return {
    ...(result.state === "ok" ? {} : { isError: true }),
    content: [
      { type: "text" as const, text: hidden > 0 ? `${text}\n(${files.length} files written; ${MAX_LINKS} linked, all listed in structuredContent.files)` : text },
      ...files.slice(0, MAX_LINKS).map((f) => ({ type: "resource_link" as const, name: f.path, uri: pathToFileURL(join(workspace, f.path)).href, mimeType: mimeFor(f.path) })),
    ],
    structuredContent: {
      state: result.state,
      truncated: result.truncated,
      outputBytes: result.outputBytes,
      durationMs: result.durationMs,
      workspace,
      files,
      ...(result.message !== undefined ? { message: result.message } : {}),
      ...(result.line !== undefined ? { line: result.line } : {}),
      denials: result.denials,
    },
  };
}
