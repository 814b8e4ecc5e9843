/**
 * Test helper: starts one of the memory test programs as a real child process (node with
 * the tsx loader, an IPC channel) and gathers what its memory reporter sends into a
 * MemorySeries. Stands in for memory/collect/watch-memory.ts in the leak tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MEMORY_MODEL_VERSION, type MemorySample, type MemorySeries } from "../model.js";
import type { ReporterMessage } from "./memory-reporter.js";

const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export type MemoryTestProgram = "leaking-server" | "sawtooth-server" | "plateau-cache";

export interface MemoryTarget {
  pid: number;
  /** http://127.0.0.1:PORT/ for the servers, null for the plain process. */
  url: string | null;
  /** When the program was ready (its first sample is at about this time). */
  readyAt: number;
  /** The samples so far (from `since`, ms since epoch, when given) as a series: a copy. */
  series(since?: number): MemorySeries;
  stop(): Promise<void>;
}

export async function startMemoryTarget(program: MemoryTestProgram, intervalMs = 100, extraArgs: string[] = [], nodeFlags: string[] = []): Promise<MemoryTarget> {
  const file = fileURLToPath(new URL(`./${program}.ts`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, "--import", TSX_LOADER_URL, file, `--interval=${intervalMs}`, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const samples: MemorySample[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  const ready = new Promise<{ port: number | null }>((resolve, reject) => {
    child.on("message", (m: ReporterMessage) => {
      if (m.type === "ready") resolve({ port: m.port });
      else samples.push({ ...m.sample });
    });
    child.once("exit", (code, signal) => reject(new Error(`${program} exited (code ${code}, signal ${signal}) before it was ready: ${stderr.slice(-2000)}`)));
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const { port } = await ready.finally(() => clearTimeout(timeout));
  const command = `node ${file}`;
  const startedAt = Date.now();
  return {
    pid: child.pid!,
    url: port === null ? null : `http://127.0.0.1:${port}/`,
    readyAt: startedAt,
    series: (since = 0) => {
      const copy = samples.filter((s) => s.at >= since).map((s) => ({ ...s }));
      const first = copy[0]?.at ?? startedAt;
      const last = copy[copy.length - 1]?.at ?? startedAt;
      return {
        version: MEMORY_MODEL_VERSION,
        pid: child.pid!,
        command,
        startedAt: first,
        endedAt: last,
        intervalMs,
        samples: copy,
        ended: child.exitCode === null && child.signalCode === null ? null : { at: Date.now(), reason: `exited (code ${child.exitCode}, signal ${child.signalCode})` },
        load: null,
        notes: ["sampled in-process (process.memoryUsage, PerformanceObserver gc) by the test program itself"],
      };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
