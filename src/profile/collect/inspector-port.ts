import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { request } from "node:http";
import { delay } from "./child-process.js";

/** A listening TCP socket: its port and the socket inode that ties it to a process. */
interface ListeningSocket {
  port: number;
  inode: string;
}

function readListeningSockets(netDir: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const file of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = readFileSync(`${netDir}/${file}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local rem st tx:rx tr:when retrnsmt uid timeout inode; state 0A is LISTEN.
      if (cols.length < 10 || cols[3] !== "0A") continue;
      const portHex = cols[1]?.split(":")[1];
      if (portHex && cols[9]) out.push({ port: parseInt(portHex, 16), inode: cols[9] });
    }
  }
  return out;
}

function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // The fd closed while we looked.
    }
  }
  return inodes;
}

/** TCP ports the process listens on (empty if we may not look at its file descriptors). */
export function listListeningPorts(pid: number): Set<number> {
  const inodes = socketInodesOf(pid);
  const ports = new Set<number>();
  for (const s of readListeningSockets(`/proc/${pid}/net`)) if (inodes.has(s.inode)) ports.add(s.port);
  return ports;
}

/** The pid listening on a TCP port, null if none, "unknown" if it is hidden from us. */
export function findPortOwner(port: number): number | null | "unknown" {
  const sockets = readListeningSockets("/proc/self/net").filter((s) => s.port === port);
  if (sockets.length === 0) return null;
  const wanted = new Set(sockets.map((s) => s.inode));
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    for (const inode of socketInodesOf(pid)) if (wanted.has(inode)) return pid;
  }
  return "unknown";
}

export interface InspectorTarget {
  id: string;
  type: string;
  title: string;
  webSocketDebuggerUrl: string;
}

export type InspectorProbe = { kind: "inspector"; targets: InspectorTarget[] } | { kind: "closed" } | { kind: "other"; detail: string };

/** Asks host:port for the inspector's target list; tells apart closed, inspector, other. */
export function probeInspector(host: string, port: number, timeoutMs = 1000): Promise<InspectorProbe> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: "/json/list", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < 1_000_000) body += chunk;
      });
      res.on("end", () => resolve(parseTargetList(body, res.statusCode ?? 0)));
      res.on("error", (error) => resolve({ kind: "other", detail: error.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code === "ECONNREFUSED" ? { kind: "closed" } : { kind: "other", detail: error.message });
    });
    req.end();
  });
}

function parseTargetList(body: string, status: number): InspectorProbe {
  if (status !== 200) return { kind: "other", detail: `HTTP ${status} for /json/list` };
  try {
    const parsed: unknown = JSON.parse(body);
    if (!Array.isArray(parsed)) return { kind: "other", detail: "/json/list is not a list" };
    const targets = parsed.filter(
      (t): t is InspectorTarget => typeof t === "object" && t !== null && typeof (t as InspectorTarget).webSocketDebuggerUrl === "string",
    );
    return { kind: "inspector", targets };
  } catch {
    return { kind: "other", detail: "/json/list did not answer JSON" };
  }
}

/** Polls until the port refuses connections again (the inspector closed), bounded. */
export async function waitForPortClosed(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await probeInspector(host, port, 500)).kind === "closed") return true;
    await delay(100);
  }
  return false;
}
