import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/** One MCP session: its own server (so tool state never crosses clients) and transport. */
export interface McpHttpSession {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  /** Requests of this session still open (a tool call's SSE answer, the GET notification stream). */
  inFlight: number;
  lastSeen: number;
}

export interface McpSessionRegistryOptions {
  createServer: () => McpServer;
  maxSessions: number;
  /** A session with no open request for this long is closed (its client went away without DELETE). */
  idleMs: number;
  /** The body limit the transport applies to bodies it reads itself. */
  maxBodyBytes: number;
}

/**
 * Sessions of the HTTP server, bounded in number. A session enters the map when the transport
 * assigns its id during initialize and leaves it when the transport or server closes, which
 * DELETE, idle expiry and shutdown all come down to.
 */
export class McpSessionRegistry {
  private readonly byId = new Map<string, McpHttpSession>();
  /** Every live session, including ones still initialising (no id yet): the cap counts these. */
  private readonly live = new Set<McpHttpSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: McpSessionRegistryOptions) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1000, Math.min(60_000, options.idleMs / 2)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.live.size;
  }

  get(id: string): McpHttpSession | undefined {
    return this.byId.get(id);
  }

  /** A new session, or null when the cap is reached even after closing idle ones. */
  async open(): Promise<McpHttpSession | null> {
    if (this.live.size >= this.options.maxSessions) await this.closeIdle();
    if (this.live.size >= this.options.maxSessions) return null;
    // The transport's callbacks need the session, which needs the transport.
    const ref: { session?: McpHttpSession } = {};
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      maxRequestBodySize: this.options.maxBodyBytes,
      onsessioninitialized: (id) => {
        if (ref.session) this.byId.set(id, ref.session);
      },
      // DELETE answers 200 but leaves the transport open: closing it is ours.
      onsessionclosed: () => {
        if (ref.session) void this.close(ref.session);
      },
    });
    const server = this.options.createServer();
    const opened: McpHttpSession = { transport, server, inFlight: 0, lastSeen: Date.now() };
    ref.session = opened;
    this.live.add(opened);
    // Protocol.close() closes the transport, which ends here; so does a transport closed on its own.
    server.server.onclose = () => this.forget(opened);
    await server.connect(transport);
    return opened;
  }

  /** Drops a session whose initialize failed (the transport never assigned an id). */
  async discardIfUninitialized(session: McpHttpSession): Promise<void> {
    if (session.transport.sessionId === undefined) await this.close(session);
  }

  async close(session: McpHttpSession): Promise<void> {
    this.forget(session);
    await session.server.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.live].map((s) => this.close(s)));
  }

  private forget(session: McpHttpSession): void {
    this.live.delete(session);
    const id = session.transport.sessionId;
    if (id !== undefined && this.byId.get(id) === session) this.byId.delete(id);
  }

  private async closeIdle(): Promise<void> {
    const now = Date.now();
    const idle = [...this.live].filter((s) => s.inFlight === 0 && now - s.lastSeen >= this.options.idleMs);
    await Promise.all(idle.map((s) => this.close(s)));
  }
}
