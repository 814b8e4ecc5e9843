import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const builtCli = join(repoRoot, "dist", "cli", "main.js");

export interface ServerInfo {
  url: string;
  host: string;
  port: number;
  token: string;
  tokenSource: string;
}

export interface HttpServerProcess extends ServerInfo {
  child: ChildProcess;
  stderr(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** The environment for the child without a token the developer may have exported. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("PERFSCOPE_MCP_TOKEN" in extra)) delete env.PERFSCOPE_MCP_TOKEN;
  return env;
}

/** Starts the built `perfscope mcp --http … --json` and waits for its JSON line. */
export function startHttpServerProcess(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [builtCli, "mcp", "--json", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`perfscope mcp did not print its URL within 20 s; stderr: ${stderr}`)), 20_000);
    void exited.then(({ code }) => reject(new Error(`perfscope mcp exited (${code}) before serving; stderr: ${stderr}; stdout: ${stdout}`)));
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes("\n")) return;
      let info: Partial<ServerInfo> = {};
      try {
        info = JSON.parse(stdout.split("\n")[0]!) as Partial<ServerInfo>;
      } catch {
        // Not the start-up line (e.g. a pretty-printed error): the exit handler reports it.
      }
      if (typeof info.url !== "string") return;
      clearTimeout(timer);
      resolveStart({
        ...(info as ServerInfo),
        child,
        stderr: () => stderr,
        async stop(signal = "SIGTERM") {
          const started = Date.now();
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const end = await exited;
          return { ...end, ms: Date.now() - started };
        },
      });
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with full control of the headers (fetch refuses to forge Host). A server
 * may answer before the body is sent (413): the answer counts, a later write error does not.
 */
export function sendRawRequest(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<RawResponse> {
  return new Promise((done, fail) => {
    let responded = false;
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "POST", path: options.path ?? "/mcp", headers: options.headers ?? {}, setHost: !options.headers?.Host }, (res) => {
      responded = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", fail);
    });
    req.on("error", (error) => {
      // After a response has started, EPIPE/ECONNRESET from the unsent rest of the body is expected.
      if (!responded) fail(error);
    });
    const body = options.body ?? "";
    if (options.chunked) {
      // No Content-Length: the server must count while reading.
      const chunk = 64 * 1024;
      const buf = Buffer.from(body);
      let offset = 0;
      const pump = () => {
        while (offset < buf.length) {
          const ok = req.write(buf.subarray(offset, offset + chunk));
          offset += chunk;
          if (!ok) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    } else req.end(body);
  });
}

/** A well-formed initialize request, as a client's first POST. */
export const initializeBody = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw-test", version: "1.0.0" } },
});

export const mcpPostHeaders = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
