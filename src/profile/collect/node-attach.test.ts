import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { listListeningPorts, probeInspector } from "./inspector-port.js";
import { attachNodeCpuProfile } from "./node-attach.js";
import { catchPerfError } from "./test-helpers/catch-perf-error.js";
import { hottestFunction } from "./test-helpers/profile-queries.js";

const longRunning = join(fileURLToPath(new URL("./test-programs/", import.meta.url)), "long-running.mjs");
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const server of servers.splice(0)) server.close();
});

/** Starts the long-running node target and waits until its loop runs. */
async function startTarget(nodeFlags: string[] = [], command = "node", args = [longRunning, "30000"]): Promise<ChildProcess> {
  const child = spawn(command, [...nodeFlags, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  child.stderr!.resume();
  if (command === "node") await new Promise((resolve) => child.stdout!.once("data", resolve));
  else await new Promise((resolve) => setTimeout(resolve, 100));
  return child;
}

function listenOnFreePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end("not an inspector\n"));
    servers.push(server);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

describe("attachNodeCpuProfile", () => {
  it("refuses to open an inspector that would listen beyond loopback, before signalling", async () => {
    const target = await startTarget(["--inspect-port=0.0.0.0:0"]);
    const error = await catchPerfError(attachNodeCpuProfile({ pid: target.pid!, durationMs: 500 }));
    expect(error.code).toBe("ATTACH_FAILED");
    expect(error.message).toContain("0.0.0.0");
    expect(error.hint).toContain("127.0.0.1");
    // No SIGUSR1 was sent: the target opened no port.
    await new Promise((r) => setTimeout(r, 300));
    expect(listListeningPorts(target.pid!).size).toBe(0);
  });

  it("profiles a running node process, then leaves it running with its inspector closed", async () => {
    // --inspect-port=0: SIGUSR1 opens a random port, so parallel runs never share 9229.
    const target = await startTarget(["--inspect-port=0"]);
    const pid = target.pid!;
    const portsBefore = listListeningPorts(pid);
    const result = await attachNodeCpuProfile({ pid, durationMs: 2000 });
    expect(hottestFunction(result.profile)).toBe("attachHotspot");
    expect(result.partial).toBeNull();
    expect(result.exitCode).toBeNull();
    expect(result.notes).toBeUndefined();
    expect(result.profile.meta).toMatchObject({ pid, collector: "v8-inspector" });
    expect(result.profile.meta.durationMs).toBeGreaterThanOrEqual(1900);
    // Still alive, and no listening port left behind.
    expect(target.exitCode).toBeNull();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(listListeningPorts(pid)).toEqual(portsBefore);
  });

  it("attaches on a port named by --inspect-port and closes it afterwards", async () => {
    const port = await listenOnFreePort();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const target = await startTarget([`--inspect-port=${port}`]);
    const result = await attachNodeCpuProfile({ pid: target.pid!, durationMs: 800 });
    expect(result.profile.samples.stack.length).toBeGreaterThan(0);
    expect((await probeInspector("127.0.0.1", port)).kind).toBe("closed");
    expect(target.exitCode).toBeNull();
  });

  it("returns a partial profile when aborted", async () => {
    const target = await startTarget(["--inspect-port=0"]);
    const controller = new AbortController();
    setTimeout(() => controller.abort("user pressed Ctrl-C"), 800);
    const result = await attachNodeCpuProfile({ pid: target.pid!, durationMs: 20_000, signal: controller.signal });
    expect(result.partial?.reason).toMatch(/interrupted: user pressed Ctrl-C/);
    expect(result.profile.samples.stack.length).toBeGreaterThan(50);
    expect(target.exitCode).toBeNull();
  });

  it("fails clearly when the inspector port is taken by another program", async () => {
    const port = await listenOnFreePort();
    const target = await startTarget([`--inspect-port=${port}`]);
    const error = await catchPerfError(attachNodeCpuProfile({ pid: target.pid!, durationMs: 500 }));
    expect(error.code).toBe("ATTACH_FAILED");
    expect(error.message).toContain(`port ${port}`);
    // The other program is this test process: the message names its pid.
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.where?.pid).toBe(target.pid);
    expect(error.hint).toMatch(/--inspect-port/);
    expect(target.exitCode).toBeNull();
  });

  it("rejects a pid that does not exist with TARGET_NOT_FOUND", async () => {
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    const error = await catchPerfError(attachNodeCpuProfile({ pid: gone.pid!, durationMs: 500 }));
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.where?.pid).toBe(gone.pid);
  });

  it("refuses a process that is not node", async () => {
    const target = await startTarget([], "sleep", ["30"]);
    const error = await catchPerfError(attachNodeCpuProfile({ pid: target.pid!, durationMs: 500 }));
    expect(error.code).toBe("ATTACH_FAILED");
    expect(error.message).toMatch(/not a Node\.js process/);
    expect(error.hint).toMatch(/perf/);
    expect(target.exitCode).toBeNull();
  });
});
