import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const programs = fileURLToPath(new URL("../test-programs/", import.meta.url));
export const memoryTarget = join(programs, "memory-target.mjs");
export const httpServer = join(programs, "http-server.mjs");

const children: ChildProcess[] = [];

/** A word no other process has in its command line, to find a target by name. */
export function uniqueTag(): string {
  return `perfscope-tag-${randomBytes(6).toString("hex")}`;
}

/** Starts `node memory-target.mjs <mode> <lifetimeMs> <tag>` and waits until it runs. */
export async function startMemoryTarget(mode: "hold" | "churn" | "idle", lifetimeMs: number, options: { nodeFlags?: string[]; tag?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildProcess> {
  const child = spawn("node", [...(options.nodeFlags ?? ["--inspect-port=0"]), memoryTarget, mode, String(lifetimeMs), options.tag ?? uniqueTag()], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  children.push(child);
  child.stderr!.resume();
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return child;
}

export function startProcess(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: "ignore" });
  children.push(child);
  return child;
}

export function killTargets(): void {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
