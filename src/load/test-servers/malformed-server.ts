/**
 * A TCP server that answers every request with bytes that are not HTTP, so the client's
 * parser fails: the "bad response" error kind.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { RunningTestServer } from "./test-server.js";

export async function startMalformedResponseServer(): Promise<RunningTestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end("NOT-HTTP garbage\r\n\r\n"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
