import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initializeBody, mcpPostHeaders, repoRoot, sendRawRequest, startHttpServerProcess, type HttpServerProcess } from "./test-helpers/http-server-process.js";

async function connectClient(server: { url: string }, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "perfscope-http-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return { client, transport };
}

function vmRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

// End to end over real loopback TCP: the built CLI serves, the SDK's own HTTP client connects.
describe("perfscope mcp --http (built server, SDK client)", () => {
  let root: string;
  let server: HttpServerProcess;
  let sleeper: ChildProcess;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "perfscope-mcp-http-"));
    writeFileSync(join(root, "x.folded"), "main;parse 10\nmain;render 90\n");
    sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    server = await startHttpServerProcess(["--http", "0", "--root", root]);
  });

  afterAll(async () => {
    sleeper?.kill();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("prints a loopback URL on a free port and a generated 32-byte token", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/mcp`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.tokenSource).toBe("generated");
    expect(Buffer.from(server.token, "base64url").length).toBe(32);
  });

  it("gives two clients separate sessions, each listing the tools and calling real ones", async () => {
    const a = await connectClient(server, server.token);
    const b = await connectClient(server, server.token);
    try {
      expect(a.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.transport.sessionId).not.toBe(b.transport.sessionId);

      const names = (await a.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["profile", "analyze_profile", "load_test", "benchmark", "get_memory_stats", "get_rum_data"]));
      expect((await b.client.listTools()).tools.map((t) => t.name).sort()).toEqual([...names].sort());

      const analysed = await a.client.callTool({ name: "analyze_profile", arguments: { file: "x.folded" } });
      expect(analysed.isError).toBeFalsy();
      const bottlenecks = (analysed.structuredContent as { bottlenecks: Array<{ function: string; selfShare: number }> }).bottlenecks;
      expect(bottlenecks[0]!.function).toBe("render");
      expect(bottlenecks[0]!.selfShare).toBeCloseTo(0.9, 5);

      // Sessions share the run-folder counter: concurrent calls from both never write to one folder.
      const burst = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).client.callTool({ name: "analyze_profile", arguments: { file: "x.folded" } })),
      );
      const outDirs = burst.map((r) => (r.structuredContent as { outDir: string }).outDir);
      expect(new Set(outDirs).size).toBe(8);

      const memory = await b.client.callTool({ name: "get_memory_stats", arguments: { pid: sleeper.pid } });
      expect(memory.isError).toBeFalsy();
      const stats = memory.structuredContent as { pid: number; rss: number };
      expect(stats.pid).toBe(sleeper.pid);
      const kernelRss = vmRssBytes(sleeper.pid!);
      expect(stats.rss).toBeGreaterThan(kernelRss * 0.75);
      expect(stats.rss).toBeLessThan(kernelRss * 1.25);

      // A session id works only for its own session, and only while it is open.
      const bId = b.transport.sessionId!;
      await b.transport.terminateSession();
      const stale = await sendRawRequest(server.port, {
        headers: { ...mcpPostHeaders, Authorization: `Bearer ${server.token}`, "Mcp-Session-Id": bId, "Mcp-Protocol-Version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list" }),
      });
      expect(stale.status).toBe(404);
      expect((await a.client.listTools()).tools.length).toBe(names.length);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it("streams progress notifications over SSE during a long tool call", async () => {
    const { client } = await connectClient(server, server.token);
    try {
      const longRunning = join(repoRoot, "src", "profile", "collect", "test-programs", "long-running.mjs");
      writeFileSync(join(root, "long-running.mjs"), readFileSync(longRunning));
      const progress: number[] = [];
      const done = await client.callTool({ name: "profile", arguments: { target: ["node", join(root, "long-running.mjs"), "30000"], duration: 2 } }, undefined, {
        timeout: 60_000,
        onprogress: (p) => progress.push(p.progress),
      });
      expect(done.isError).toBeFalsy();
      expect(progress.length).toBeGreaterThan(0);
      expect((done.structuredContent as { bottlenecks: Array<{ function: string }> }).bottlenecks[0]!.function).toBe("attachHotspot");
    } finally {
      await client.close();
    }
  });
});

describe("perfscope mcp --http refuses what it must (built server, raw HTTP)", () => {
  let server: HttpServerProcess;
  let root: string;
  // Allowed requests carry these; each case below spoils one thing.
  let good: Record<string, string>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "perfscope-mcp-http-"));
    // One session at most: a refused request that reached the transport would take the slot.
    server = await startHttpServerProcess(["--http", "0", "--root", root, "--max-sessions", "1", "--allow-origin", "https://app.example"]);
    good = { ...mcpPostHeaders, Authorization: `Bearer ${server.token}` };
  });

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("answers 401 with WWW-Authenticate and a JSON-RPC error without the right bearer token", async () => {
    const wrong = server.token.slice(0, -1) + (server.token.endsWith("A") ? "B" : "A");
    for (const authorization of [undefined, `Bearer ${wrong}`, `Basic ${Buffer.from(`x:${server.token}`).toString("base64")}`, server.token, `Bearer ${server.token}x`]) {
      const headers: Record<string, string> = { ...mcpPostHeaders };
      if (authorization !== undefined) headers.Authorization = authorization;
      const res = await sendRawRequest(server.port, { headers, body: initializeBody });
      expect(res.status, String(authorization)).toBe(401);
      expect(String(res.headers["www-authenticate"])).toMatch(/^Bearer\b/);
      const body = JSON.parse(res.body) as { jsonrpc: string; error: { code: number; message: string } };
      expect(body.jsonrpc).toBe("2.0");
      expect(body.error.message).toContain("Authorization: Bearer");
    }
    // GET and DELETE too: every method is behind the token.
    for (const method of ["GET", "DELETE"]) expect((await sendRawRequest(server.port, { method, headers: { Accept: "text/event-stream" } })).status).toBe(401);
  });

  it("answers 403 to a forged Host header (DNS rebinding) even with the token", async () => {
    for (const host of ["evil.example", `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      const res = await sendRawRequest(server.port, { headers: { ...good, Host: host }, body: initializeBody });
      expect(res.status, host).toBe(403);
      expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toContain("Host");
    }
    for (const host of [`localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      const res = await sendRawRequest(server.port, { headers: { ...good, Host: host }, body: initializeBody });
      expect(res.status, host).toBe(200);
      const del = await sendRawRequest(server.port, { method: "DELETE", headers: { ...good, "Mcp-Session-Id": String(res.headers["mcp-session-id"]) } });
      expect(del.status).toBe(200);
    }
  });

  it("answers 403 to a foreign Origin, and accepts loopback and --allow-origin ones", async () => {
    for (const origin of ["http://evil.example", `http://evil.example:${server.port}`, "null", "https://app.example.evil"]) {
      const res = await sendRawRequest(server.port, { headers: { ...good, Origin: origin }, body: initializeBody });
      expect(res.status, origin).toBe(403);
      expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toContain("Origin");
    }
    for (const origin of [`http://127.0.0.1:${server.port}`, "http://localhost:5173", "https://app.example"]) {
      const res = await sendRawRequest(server.port, { headers: { ...good, Origin: origin }, body: initializeBody });
      expect(res.status, origin).toBe(200);
      const del = await sendRawRequest(server.port, { method: "DELETE", headers: { ...good, "Mcp-Session-Id": String(res.headers["mcp-session-id"]), "Mcp-Protocol-Version": "2025-06-18" } });
      expect(del.status).toBe(200);
    }
  });

  it("answers 404 off /mcp, 405 to other methods, 400 to a request with neither session nor initialize", async () => {
    expect((await sendRawRequest(server.port, { path: "/", headers: good, body: initializeBody })).status).toBe(404);
    expect((await sendRawRequest(server.port, { path: "/mcp/../admin", headers: good, body: initializeBody })).status).toBe(404);
    const put = await sendRawRequest(server.port, { method: "PUT", headers: good, body: initializeBody });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, POST, DELETE");
    expect((await sendRawRequest(server.port, { headers: good, body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }) })).status).toBe(400);
    const notJson = await sendRawRequest(server.port, { headers: good, body: "{not json" });
    expect(notJson.status).toBe(400);
    expect((JSON.parse(notJson.body) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it("answers 413 to a body over 4 MiB, declared or streamed", async () => {
    const padding = "x".repeat(4 * 1024 * 1024 + 10);
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { pad: padding } });
    expect((await sendRawRequest(server.port, { headers: good, body: big })).status).toBe(413);
    expect((await sendRawRequest(server.port, { headers: good, body: big, chunked: true })).status).toBe(413);
    // A client that keeps streaming far past the cap is cut off rather than read forever.
    const flood = await sendRawRequest(server.port, { headers: good, body: "x".repeat(40 * 1024 * 1024), chunked: true }).then(
      (r) => r.status,
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect([413, "ECONNRESET", "EPIPE"]).toContain(flood);
    // Just under the cap is parsed (then refused as not an initialize request: 400, not 413).
    const fits = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(4 * 1024 * 1024 - 200) } });
    expect((await sendRawRequest(server.port, { headers: good, body: fits })).status).toBe(400);
  });

  it("still serves a good client afterwards: refused requests never took the only session slot", async () => {
    const { client, transport } = await connectClient(server, server.token);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(5);
      // The slot is now taken: a second session is refused until the first is closed.
      await expect(connectClient(server, server.token)).rejects.toThrow(/503|Too many sessions/);
      await transport.terminateSession();
      const second = await connectClient(server, server.token);
      expect((await second.client.listTools()).tools.length).toBeGreaterThan(5);
      await second.client.close();
    } finally {
      await client.close();
    }
  });
});

describe("perfscope mcp --http start-up and shutdown (built CLI)", () => {
  it("takes the token from PERFSCOPE_MCP_TOKEN or --token, and refuses a short one", async () => {
    const envToken = "env-token-0123456789abcdef";
    const fromEnv = await startHttpServerProcess(["--http", "0"], { ...process.env, PERFSCOPE_MCP_TOKEN: envToken });
    try {
      expect(fromEnv.tokenSource).toBe("env");
      expect(fromEnv.token).toBe(envToken);
      const { client } = await connectClient(fromEnv, envToken);
      expect((await client.listTools()).tools.length).toBeGreaterThan(5);
      await client.close();
    } finally {
      await fromEnv.stop();
    }
    const flagToken = "flag-token-0123456789abcdef";
    const fromFlag = await startHttpServerProcess(["--http", "0", "--token", flagToken], { ...process.env, PERFSCOPE_MCP_TOKEN: envToken });
    try {
      expect(fromFlag.tokenSource).toBe("flag");
      expect((await sendRawRequest(fromFlag.port, { headers: { ...mcpPostHeaders, Authorization: `Bearer ${envToken}` }, body: initializeBody })).status).toBe(401);
      expect((await sendRawRequest(fromFlag.port, { headers: { ...mcpPostHeaders, Authorization: `Bearer ${flagToken}` }, body: initializeBody })).status).toBe(200);
    } finally {
      await fromFlag.stop();
    }
    await expect(startHttpServerProcess(["--http", "0", "--token", "short"])).rejects.toThrow(/at least 16 characters/);
  });

  it("refuses a non-loopback --host without --allow-remote (exit 2)", async () => {
    await expect(startHttpServerProcess(["--http", "0", "--host", "0.0.0.0"])).rejects.toThrow(/exited \(2\).*--allow-remote/s);
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`closes sessions and exits 0 on ${signal}, with a client still connected`, async () => {
      const server = await startHttpServerProcess(["--http", "0"]);
      const { client } = await connectClient(server, server.token);
      expect((await client.listTools()).tools.length).toBeGreaterThan(5);
      const end = await server.stop(signal);
      expect(end.code).toBe(0);
      expect(end.ms).toBeLessThan(5000);
      // The server is gone: the client's next request fails instead of hanging.
      await expect(client.listTools()).rejects.toThrow();
      await client.close();
    });
  }
});
