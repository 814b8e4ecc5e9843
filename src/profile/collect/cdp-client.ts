import WebSocket from "ws";
import { PerfError } from "../../core/errors.js";

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A minimal Chrome DevTools Protocol client over one WebSocket: numbered requests with a
 * time limit each, and event listeners. Enough for the Profiler and Runtime domains.
 */
export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Array<(params: Record<string, unknown>) => void>>();
  private closeInfo: { code: number; reason: string } | null = null;
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    private readonly socket: WebSocket,
    readonly url: string,
  ) {
    socket.on("message", (data) => this.receive(String(data)));
    this.closed = new Promise((resolve) => {
      socket.once("close", (code, reason) => {
        this.closeInfo = { code, reason: String(reason) };
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`inspector connection closed (code ${code})`));
        }
        this.pending.clear();
        resolve(this.closeInfo);
      });
    });
  }

  static connect(url: string, timeoutMs = 5000): Promise<CdpClient> {
    return new Promise((resolve, reject) => {
      // Profiles of long runs are large: allow big messages.
      const socket = new WebSocket(url, { maxPayload: 2 * 1024 * 1024 * 1024, perMessageDeflate: false });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new PerfError("ATTACH_FAILED", `no answer from the inspector within ${timeoutMs} ms`, { where: { url } }));
      }, timeoutMs);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve(new CdpClient(socket, url));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new PerfError("ATTACH_FAILED", `cannot connect to the inspector: ${error.message}`, { where: { url }, cause: error }));
      });
    });
  }

  get isClosed(): boolean {
    return this.closeInfo !== null;
  }

  send(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    if (this.closeInfo) return Promise.reject(new Error(`inspector connection closed before ${method}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PerfError("TIMEOUT", `the inspector did not answer ${method} within ${timeoutMs} ms`, { where: { url: this.url } }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  on(event: string, listener: (params: Record<string, unknown>) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  /** Closes the socket and waits (bounded) until it is closed. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closeInfo) return;
    this.socket.close();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.closed, timer]);
    if (!this.closeInfo) this.socket.terminate();
  }

  private receive(text: string): void {
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { message?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // Not CDP: ignore rather than tear down the session.
    }
    if (typeof message.id === "number") {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new Error(`inspector error: ${String(message.error.message ?? "unknown")}`));
      else p.resolve((message.result ?? {}) as Record<string, unknown>);
      return;
    }
    if (typeof message.method === "string") {
      for (const listener of this.listeners.get(message.method) ?? []) listener((message.params ?? {}) as Record<string, unknown>);
    }
  }
}
