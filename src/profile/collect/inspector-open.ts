import { PerfError } from "../../core/errors.js";
import { delay, pidExists } from "./child-process.js";
import { findPortOwner, listListeningPorts, probeInspector, waitForPortClosed, type InspectorTarget } from "./inspector-port.js";
import { findInspectorAddress, isLoopbackHost, type ProcessInfo } from "./proc-info.js";

export interface OpenedInspector {
  pid: number;
  host: string;
  port: number;
  url: string;
  /** The inspector was already listening before we came: leave it open when done. */
  wasOpen: boolean;
  waitClosed(timeoutMs: number): Promise<boolean>;
}

const OPEN_TIMEOUT_MS = 5000;

function pickTarget(targets: InspectorTarget[]): InspectorTarget | undefined {
  return targets.find((t) => t.type === "node") ?? targets[0];
}

function describeOwner(owner: number | "unknown"): string {
  return owner === "unknown" ? "a process we cannot see" : `pid ${owner}`;
}

/**
 * Opens the inspector of a running node process (SIGUSR1) and returns its WebSocket URL.
 * Checks the port first: if another program holds it, Node's inspector could not bind and
 * we would talk to the wrong process, so that is an error up front.
 */
export async function openInspector(info: ProcessInfo, signal?: AbortSignal): Promise<OpenedInspector> {
  const { pid } = info;
  const address = findInspectorAddress(info);
  const portsBefore = listListeningPorts(pid);
  let wasOpen = false;
  if (address.port !== 0) {
    const owner = findPortOwner(address.port);
    if (owner === pid) wasOpen = true;
    else if (owner !== null) {
      throw new PerfError("ATTACH_FAILED", `port ${address.port}, where pid ${pid} would open its inspector (${address.source}), is already in use by ${describeOwner(owner)}`, {
        where: { pid, url: `http://${address.host}:${address.port}/json/list` },
        hint: `stop the program on port ${address.port}, or restart the target with --inspect-port=<free port> (it will then open there on SIGUSR1)`,
      });
    }
  }
  const listenHost = address.listenHost ?? address.host;
  if (!wasOpen && !isLoopbackHost(listenHost)) {
    // SIGUSR1 would open a debugger (remote code execution) on a non-loopback address.
    throw new PerfError("ATTACH_FAILED", `pid ${pid} would open its inspector on ${listenHost}:${address.port} (${address.source}), which is reachable from other machines`, {
      where: { pid },
      hint: "perfscope opens debuggers on loopback only: restart the target with --inspect-port=127.0.0.1:<port>, or profile it with --collector perf",
    });
  }
  if (!wasOpen) sendUsr1(pid);

  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  let lastProblem = "nothing listening yet";
  while (Date.now() < deadline && !signal?.aborted) {
    if (!pidExists(pid)) {
      throw new PerfError("TARGET_EXITED", `pid ${pid} exited while its inspector was being opened`, {
        where: { pid },
        hint: "a node process started with a SIGUSR1 handler that exits, or one that is shutting down, cannot be attached",
      });
    }
    // With --inspect-port=0 the port is random: find the one the process newly listens on.
    const candidates = address.port !== 0 ? [address.port] : [...listListeningPorts(pid)].filter((p) => !portsBefore.has(p));
    for (const port of candidates) {
      const probe = await probeInspector(address.host, port, 1000);
      if (probe.kind === "inspector") {
        const target = pickTarget(probe.targets);
        if (target) {
          const host = address.host;
          return { pid, host, port, url: target.webSocketDebuggerUrl, wasOpen, waitClosed: (ms) => waitForPortClosed(host, port, ms) };
        }
        lastProblem = `the inspector on port ${port} lists no targets`;
      } else if (probe.kind === "other") lastProblem = `port ${port} answered but not as a Node inspector: ${probe.detail}`;
    }
    await delay(100, signal);
  }
  if (signal?.aborted) throw new PerfError("INTERRUPTED", `interrupted while opening the inspector of pid ${pid}`, { where: { pid } });
  const port = address.port === 0 ? "a random port (--inspect-port=0)" : `port ${address.port}`;
  throw new PerfError("ATTACH_FAILED", `pid ${pid} did not open its inspector on ${address.host}:${port} within ${OPEN_TIMEOUT_MS} ms (${lastProblem})`, {
    where: { pid, url: `http://${address.host}:${address.port}/json/list` },
    hint: "the process may ignore SIGUSR1 (a handler of its own, --disable-sigusr1, or a policy), be stuck in native code, or run in another network namespace (container); start it with --inspect to profile it, or use the perf collector",
  });
}

function sendUsr1(pid: number): void {
  try {
    process.kill(pid, "SIGUSR1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPERM") {
      throw new PerfError("PERMISSION_DENIED", `not allowed to signal pid ${pid} (it belongs to another user)`, {
        where: { pid },
        hint: "run perfscope as the same user as the target, or as root (sudo)",
      });
    }
    if (code === "ESRCH") throw new PerfError("TARGET_NOT_FOUND", `no process with pid ${pid}`, { where: { pid }, hint: "the process exited" });
    throw error;
  }
}
