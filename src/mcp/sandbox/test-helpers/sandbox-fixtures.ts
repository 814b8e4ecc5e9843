/** Shared set-up for the sandbox tests: throwaway workspaces, a policy, and the "still serving" check. */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { runScript } from "../run-script.js";
import type { RunScriptOptions, ScriptPolicy, ScriptResult } from "../types.js";

export const EMPTY_POLICY: ScriptPolicy = { allowedTargets: [], allowedCommands: [], readPaths: [] };

const made: string[] = [];

export async function makeWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "perfscope-sbx-test-"));
  made.push(dir);
  return dir;
}

export async function removeWorkspaces(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Runs a script in a fresh workspace with short limits unless given. */
export async function runIn(code: string, extra: Partial<RunScriptOptions> = {}): Promise<ScriptResult & { workspace: string }> {
  const workspace = extra.workspace ?? (await makeWorkspace());
  const result = await runScript({ code, workspace, policy: EMPTY_POLICY, timeoutMs: 15_000, memoryMb: 128, ...extra });
  return { ...result, workspace };
}

/** The server still answers: a plain script right after the hostile one runs and prints. */
export async function expectStillServing(): Promise<void> {
  const r = await runIn(`const xs: number[] = [5, 1, 3]; console.log("alive", perf.median(xs));`);
  expect(r.state).toBe("ok");
  expect(r.output).toBe("alive 3\n");
}

/** A real HTTP server on a random loopback port, counting the connections it accepts. */
export async function startCountingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => res.end("ok"));
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}
