/**
 * Shared plumbing for the local test servers: listen on 127.0.0.1 at a random port and
 * close for sure (keep-alive sockets included) when the test is done.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RunningTestServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  close(): Promise<void>;
}

export async function listenOnLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RunningTestServer & { server: Server }> {
  const server = createServer({ keepAliveTimeout: 30_000 }, handler);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL with nothing listening: connections to it are refused. */
export async function reserveRefusingUrl(): Promise<string> {
  const probe = await listenOnLoopback((_req, res) => res.end());
  await probe.close();
  return probe.url;
}

export function respondOk(res: ServerResponse, body = "ok"): void {
  res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
