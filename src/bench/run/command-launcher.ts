/**
 * The process that spawns and times the benchmarked commands. Node spawns with fork(), whose
 * cost grows with the parent's memory: from a 250 MB process a `true` took 10 ms instead of
 * 1 ms here. So the runs are started from a small helper Node process that loads nothing
 * else, and whatever perfscope's own heap holds (a CLI, an MCP server) does not leak into
 * the measured times. The helper times each run itself (hrtime around spawn → exit), so the
 * messages to and from it are outside the measurement.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { PerfError } from "../../core/errors.js";
import type { NonEmptyArray } from "../model.js";

/** The helper's source (CommonJS, run with `node -e`, so it works from src under tsx and from dist alike). */
const LAUNCHER_SOURCE = `
const { spawn } = require("node:child_process");
const fs = require("node:fs");
let cfg = null;
let errTarget = "ignore";
let current = null;
const send = (m) => fs.writeSync(3, JSON.stringify(m) + "\\n");
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const m = JSON.parse(line);
  if (m.type === "init") {
    cfg = m;
    if (m.stderrPath) errTarget = fs.openSync(m.stderrPath, "a");
    return;
  }
  if (m.type === "kill") {
    if (current && current.id === m.id && current.pid !== undefined) {
      try { process.kill(-current.pid, "SIGKILL"); } catch {}
    }
    return;
  }
  const stdio = cfg.showOutput ? ["ignore", "inherit", "inherit"] : ["ignore", "ignore", errTarget];
  let settled = false;
  const done = (reply) => { if (!settled) { settled = true; current = null; send(reply); } };
  const t0 = process.hrtime.bigint();
  let child;
  try {
    child = spawn(m.argv[0], m.argv.slice(1), { cwd: cfg.cwd, env: cfg.env, stdio, detached: true });
  } catch (e) {
    done({ id: m.id, error: { code: e.code, message: e.message } });
    return;
  }
  child.once("exit", (code, signal) => done({ id: m.id, ns: Number(process.hrtime.bigint() - t0), exitCode: code, signal }));
  child.once("error", (e) => done({ id: m.id, error: { code: e.code, message: e.message } }));
  if (!settled) current = { id: m.id, pid: child.pid };
});
process.stdin.on("end", () => process.exit(0));
`;

export type SpawnOutcome =
  | { kind: "exited"; ns: number; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: "spawn-failed"; error: NodeJS.ErrnoException }
  | { kind: "aborted" };

export interface LauncherSetup {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Let commands write to this process's stdout/stderr instead of discarding it. */
  showOutput: boolean;
  /** File that receives the commands' stderr when output is hidden. */
  stderrPath: string | undefined;
}

export interface CommandLauncher {
  /** Spawns argv in its own process group and resolves with its wall time when it exits. */
  run(argv: NonEmptyArray<string>, signal?: AbortSignal): Promise<SpawnOutcome>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (outcome: SpawnOutcome) => void;
  reject: (error: Error) => void;
  killRequested: boolean;
}

interface Reply {
  id: number;
  ns?: number;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  error?: { code?: string; message: string };
}

export function startCommandLauncher(setup: LauncherSetup): CommandLauncher {
  // The commands' env may carry NODE_OPTIONS meant for them (e.g. --inspect): the helper itself runs without it.
  const helperEnv = { ...process.env };
  delete helperEnv.NODE_OPTIONS;
  const helper: ChildProcess = spawn(process.execPath, ["-e", LAUNCHER_SOURCE], { stdio: ["pipe", "inherit", "inherit", "pipe"], env: helperEnv });
  const input = helper.stdin as Writable;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  helper.once("error", (error) => fail(new PerfError("INTERNAL", `the command launcher could not start: ${error.message}`, { hint: `Check that ${process.execPath} can run.`, cause: error })));
  helper.once("exit", (code, signal) => fail(new PerfError("INTERNAL", `the command launcher exited (code ${String(code)}, signal ${String(signal)})`, { where: { pid: helper.pid ?? 0 }, hint: "Run again; if it repeats, report it." })));
  input.on("error", () => {
    // EPIPE after the helper died: the exit handler above reports it.
  });
  createInterface({ input: helper.stdio[3] as Readable }).on("line", (line) => {
    const reply = JSON.parse(line) as Reply;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (p.killRequested) p.resolve({ kind: "aborted" });
    else if (reply.error) p.resolve({ kind: "spawn-failed", error: Object.assign(new Error(reply.error.message), { code: reply.error.code }) });
    else p.resolve({ kind: "exited", ns: reply.ns ?? 0, exitCode: reply.exitCode ?? null, signal: reply.signal ?? null });
  });
  input.write(`${JSON.stringify({ type: "init", cwd: setup.cwd, env: setup.env, showOutput: setup.showOutput, stderrPath: setup.stderrPath ?? null })}\n`);

  return {
    run(argv, signal) {
      if (failure) return Promise.reject(failure);
      if (signal?.aborted) return Promise.resolve({ kind: "aborted" });
      const id = nextId++;
      return new Promise<SpawnOutcome>((resolve, reject) => {
        const onAbort = (): void => {
          const p = pending.get(id);
          if (!p) return;
          p.killRequested = true;
          // The helper kills the run's process group; nothing is sent while a run is timed otherwise.
          input.write(`${JSON.stringify({ type: "kill", id })}\n`);
        };
        const settle = <T>(fn: (value: T) => void) => (value: T): void => {
          signal?.removeEventListener("abort", onAbort);
          fn(value);
        };
        pending.set(id, { resolve: settle(resolve), reject: settle(reject), killRequested: false });
        signal?.addEventListener("abort", onAbort, { once: true });
        input.write(`${JSON.stringify({ type: "run", id, argv })}\n`);
      });
    },
    async close() {
      if (helper.exitCode !== null || helper.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => helper.once("exit", () => resolve()));
      input.end();
      await exited;
    },
  };
}
