/**
 * How the child is confined by the operating system, beyond Node's permission model
 * (which in Node 20 guards the file system, child processes, workers, addons, WASI and
 * the inspector, but not the network or signals): an empty network namespace, so no
 * socket reaches anything, not even loopback; a PID namespace, so the script sees no
 * other process and cannot signal the server; and a data-segment rlimit, so buffers
 * outside the V8 heap cannot grow past the memory limit.
 */
import { spawnSync } from "node:child_process";

export interface Confinement {
  /** Program and leading arguments to put before `node ...`. */
  prefix: string[];
  /** Names of the layers in force, for the result. */
  layers: string[];
  /** Why the namespaces could not be made, when they could not. */
  problem: string | null;
}

const NAMESPACE_FLAGS = ["--net", "--pid", "--fork", "--mount-proc", "--kill-child"];

let probed: { unshare: string[] | null; problem: string | null; prlimit: boolean } | undefined;

function runsOk(argv: string[]): { ok: boolean; detail: string } {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return { ok: false, detail: "empty command" };
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 5000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  if (r.error) return { ok: false, detail: r.error.message };
  return { ok: r.status === 0, detail: (r.stderr || `exit ${String(r.status)}`).trim() };
}

/** Finds, once per process, which unshare invocation works here (root, or a user namespace). */
function probeConfinement(): NonNullable<typeof probed> {
  if (probed) return probed;
  const candidates: string[][] = [];
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) candidates.push(["unshare", ...NAMESPACE_FLAGS]);
  // Unprivileged: a user namespace mapping us to root inside it grants the other namespaces.
  candidates.push(["unshare", "--user", "--map-root-user", ...NAMESPACE_FLAGS]);
  const failures: string[] = [];
  let unshare: string[] | null = null;
  for (const candidate of candidates) {
    const r = runsOk([...candidate, "--", "true"]);
    if (r.ok) {
      unshare = candidate;
      break;
    }
    failures.push(`${candidate.join(" ")}: ${r.detail}`);
  }
  const prlimit = runsOk(["prlimit", "--data=1073741824", "--", "true"]).ok;
  probed = { unshare, problem: unshare ? null : failures.join("; "), prlimit };
  return probed;
}

/**
 * The wrapper for one run. `dataLimitBytes` caps the data segment (malloc, ArrayBuffers);
 * the V8 heap itself is capped by --max-old-space-size in the node arguments.
 */
export function resolveConfinement(dataLimitBytes: number): Confinement {
  const p = probeConfinement();
  const prefix: string[] = [];
  const layers = ["permission-model", "clean-env"];
  if (p.prlimit) {
    prefix.push("prlimit", `--data=${dataLimitBytes}`, "--");
    layers.push("rlimit-data");
  }
  if (p.unshare) {
    prefix.push(...p.unshare, "--");
    layers.push("net-namespace", "pid-namespace");
  }
  return { prefix, layers, problem: p.problem };
}
