import { readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import { isNodeExecutable } from "./node-command.js";

/** What /proc tells about a process; fields are null when we may not read them. */
export interface ProcessInfo {
  pid: number;
  exe: string | null;
  cmdline: string[] | null;
  /** NODE_OPTIONS from its environment (readable for our own user's processes, or as root). */
  nodeOptions: string | null;
}

function readNulSeparated(path: string): string[] | null {
  try {
    const text = readFileSync(path, "utf8");
    return text.split("\0").filter((part, i, all) => part !== "" || i < all.length - 1);
  } catch {
    return null;
  }
}

export function readProcessInfo(pid: number): ProcessInfo {
  let exe: string | null = null;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, "");
  } catch {
    exe = null;
  }
  const cmdline = readNulSeparated(`/proc/${pid}/cmdline`);
  const environ = readNulSeparated(`/proc/${pid}/environ`);
  const nodeOptionsEntry = environ?.find((entry) => entry.startsWith("NODE_OPTIONS="));
  return { pid, exe, cmdline, nodeOptions: nodeOptionsEntry ? nodeOptionsEntry.slice("NODE_OPTIONS=".length) : null };
}

/** True if the process runs Node: by its executable, or by argv[0] when exe is unreadable. */
export function isNodeProcess(info: ProcessInfo): boolean {
  if (info.exe) return isNodeExecutable(info.exe);
  const argv0 = info.cmdline?.[0];
  return argv0 !== undefined && isNodeExecutable(basename(argv0));
}

export interface InspectorAddress {
  /** Where to connect (a wildcard listen address is reached on 127.0.0.1). */
  host: string;
  port: number;
  /** Where the port came from, for error messages. */
  source: string;
  /** The host the inspector binds to, as the target's flags say. */
  listenHost?: string;
}

/** Loopback listen addresses: an inspector there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export const DEFAULT_INSPECTOR_PORT = 9229;

/**
 * The address Node's inspector will listen on after SIGUSR1: 127.0.0.1:9229 unless the
 * command line or NODE_OPTIONS set `--inspect-port`, `--inspect` or `--inspect-brk`.
 */
export function findInspectorAddress(info: ProcessInfo): InspectorAddress {
  let address: InspectorAddress = { host: "127.0.0.1", port: DEFAULT_INSPECTOR_PORT, source: "default" };
  const scan = (args: readonly string[], source: string): void => {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      // Node options end at the script name; later arguments belong to the program.
      if (!arg.startsWith("-") && i > 0) break;
      const m = /^--(inspect-port|debug-port|inspect|inspect-brk|inspect-wait)(?:=(.*))?$/.exec(arg);
      if (!m) continue;
      let value = m[2];
      if (value === undefined && (m[1] === "inspect-port" || m[1] === "debug-port")) value = args[++i];
      if (value === undefined || value === "") continue;
      const parsed = parseHostPort(value);
      if (parsed) address = { host: parsed.host ?? address.host, port: parsed.port ?? address.port, source: `${source} ${arg}` };
    }
  };
  if (info.nodeOptions) scan(["node", ...info.nodeOptions.split(/\s+/).filter(Boolean)], "NODE_OPTIONS");
  if (info.cmdline) scan(info.cmdline, "command line");
  // Where the inspector will really listen, kept for the safety check before SIGUSR1.
  address.listenHost = address.host;
  if (address.host === "0.0.0.0" || address.host === "localhost") address.host = "127.0.0.1";
  return address;
}

function parseHostPort(value: string): { host?: string; port?: number } | null {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value);
  if (m) return { ...(m[1] ? { host: m[1] } : {}), port: Number(m[2]) };
  if (/^[\w.-]+$/.test(value)) return { host: value };
  return null;
}
