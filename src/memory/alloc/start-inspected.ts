import { fileURLToPath } from "node:url";
import { PerfError } from "../../core/errors.js";
import { CdpClient } from "../../profile/collect/cdp-client.js";
import { spawnProcess, terminateProcess, withTimeout, type ExitStatus, type StartedProcess } from "../../profile/collect/child-process.js";
import { assertExecutableExists, assertNodeScriptExists, insertNodeFlags, isNodeExecutable } from "../../profile/collect/node-command.js";
import { waitForInspectorUrl } from "../../profile/collect/inspector-url.js";
import { OutputRelay, isInspectorLine } from "../../profile/collect/output-relay.js";
import type { CollectStdio } from "../../profile/collect/types.js";

/**
 * Starts a Node command paused at its first line with the inspector open on a free loopback
 * port (the CPU collector's preload, so forked children are not paused), and connects.
 * The caller starts its instrumentation, then `resume()`s the program.
 */
export interface InspectedNode {
  client: CdpClient;
  started: StartedProcess;
  /** Resolves with a reason once the program has finished and Node waits for us to disconnect. */
  finished: Promise<string>;
  /** Lets the program run past its first line. */
  resume(): Promise<void>;
  /** Disconnects; a finished program then exits by itself, a running one is terminated. */
  shutdown(programFinished: boolean): Promise<ExitStatus | null>;
  output(): { stdout: string; stderr: string };
}

export interface StartInspectedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: CollectStdio;
  signal?: AbortSignal;
}

/** The preload shipped with the CPU collector (the build copies it beside its module). */
export const INSPECT_PRELOAD = fileURLToPath(new URL("../../profile/collect/inspect-preload.cjs", import.meta.url));
const EXIT_AFTER_DETACH_TIMEOUT_MS = 10_000;

function assertRunnableNodeCommand(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv): void {
  assertExecutableExists(command, cwd, env);
  if (!isNodeExecutable(command[0]!)) {
    throw new PerfError("USAGE", `allocation profiling runs node programs under the inspector, but the command starts with ${command[0]}`, {
      hint: "run node directly, e.g. ['node', 'app.js'] (npm scripts and shells hide node from perfscope)",
    });
  }
  assertNodeScriptExists(command, cwd);
}

export async function startInspectedNode(command: readonly string[], options: StartInspectedOptions = {}): Promise<InspectedNode> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const stdio = options.stdio ?? "pipe";
  assertRunnableNodeCommand(command, cwd, env);
  if (options.signal?.aborted) throw new PerfError("INTERRUPTED", "interrupted before the target was started");
  const argv = insertNodeFlags(command, ["--require", INSPECT_PRELOAD]);
  const started = spawnProcess(argv[0]!, argv.slice(1), {
    cwd,
    env: { ...env, PERFSCOPE_INSPECT_ONCE: "1" },
    stdio: ["ignore", stdio === "ignore" ? "ignore" : "pipe", "pipe"],
  });
  const stdout = started.child.stdout ? new OutputRelay(started.child.stdout, stdio, process.stdout, () => false) : null;
  const stderr = new OutputRelay(started.child.stderr!, stdio, process.stderr, isInspectorLine);
  // Registered before the program runs, so the line cannot be missed.
  const finished = new Promise<string>((resolve) => {
    stderr.onLine((line) => {
      if (line === "Waiting for the debugger to disconnect...") resolve("the program finished");
    });
  });
  let client: CdpClient | null = null;
  try {
    const url = await waitForInspectorUrl(started, stderr, command, { signal: options.signal, purpose: "allocation sampling" });
    client = await CdpClient.connect(url);
  } catch (error) {
    if (!started.status) await terminateProcess(started);
    throw error;
  }
  const session = client;
  return {
    client: session,
    started,
    finished,
    resume: async () => {
      await session.send("Runtime.runIfWaitingForDebugger");
    },
    shutdown: async (programFinished) => {
      await session.close();
      let status: ExitStatus | null = null;
      if (programFinished) status = await withTimeout(started.exited, EXIT_AFTER_DETACH_TIMEOUT_MS, null);
      if (!started.status) await terminateProcess(started);
      await withTimeout(Promise.all([stdout?.whenEnded(), stderr.whenEnded()]), 2000, null);
      return programFinished ? status : null;
    },
    output: () => ({ stdout: stdout?.capture() ?? "", stderr: stderr.capture() }),
  };
}
