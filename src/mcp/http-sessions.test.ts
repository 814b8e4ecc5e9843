import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpHttpServer, type McpHttpServer } from "./http-transport.js";
import { initializeBody, mcpPostHeaders, sendRawRequest } from "./test-helpers/http-server-process.js";

// In-process, so the session count and a short idle time can be observed directly.
describe("HTTP sessions: idle expiry and cleanup", () => {
  const token = "session-test-token-0123456789";
  let server: McpHttpServer;

  beforeAll(async () => {
    server = await startMcpHttpServer({ port: 0, token, idleMs: 1000, maxSessions: 4 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("closes a session whose client vanished, and keeps one whose client holds its stream open", async () => {
    const client = new Client({ name: "live", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    await client.connect(transport);
    // A client that initialises and then goes away without DELETE.
    const raw = await sendRawRequest(server.port, { headers: { ...mcpPostHeaders, Authorization: `Bearer ${token}` }, body: initializeBody });
    expect(raw.status).toBe(200);
    const abandoned = String(raw.headers["mcp-session-id"]);
    expect(server.sessionCount()).toBe(2);

    const deadline = Date.now() + 10_000;
    while (server.sessionCount() > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(server.sessionCount()).toBe(1);
    const stale = await sendRawRequest(server.port, {
      headers: { ...mcpPostHeaders, Authorization: `Bearer ${token}`, "Mcp-Session-Id": abandoned },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(stale.status).toBe(404);
    // The SDK client keeps its GET notification stream open: its session is in use, not idle.
    expect((await client.listTools()).tools.length).toBeGreaterThan(5);

    await transport.terminateSession();
    expect(server.sessionCount()).toBe(0);
    await client.close();
  });

  it("drops a session whose initialize was refused by the transport", async () => {
    // Accept lacks text/event-stream: the transport answers 406 and no session may linger.
    const res = await sendRawRequest(server.port, { headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` }, body: initializeBody });
    expect(res.status).toBe(406);
    expect(server.sessionCount()).toBe(0);
  });
});
