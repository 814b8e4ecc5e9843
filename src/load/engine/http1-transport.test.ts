/**
 * The raw HTTP/1.1 transport against a real node:http server: pipelined sends matched in
 * order, chunked and HEAD responses, Connection: close followed by a reconnect, timeouts
 * that drop the socket, and a refused port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadErrorKind } from "../model.js";
import { reserveRefusingUrl } from "../test-servers/index.js";
import { PerfError } from "../../core/errors.js";
import { createHttp1Transport, encodeHttp1Request } from "./http1-transport.js";
import type { LoadTransport } from "./transport.js";
import type { PlannedRequest, WorkerConfig } from "./worker-protocol.js";

interface Done {
  status: number;
  kind: LoadErrorKind | null;
  bytesIn: number;
  tag: number;
  elapsedMs: number;
}

let server: Server;
let origin = "";
const connectionsSeen = new Set<unknown>();
const received: string[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  connectionsSeen.add(req.socket);
  if (req.url === "/chunked") {
    res.write("abc");
    setTimeout(() => res.end("defg"), 5);
  } else if (req.url === "/head") res.writeHead(200, { "content-length": 100 }).end();
  else if (req.url === "/close") res.writeHead(503, { connection: "close", "content-length": 1 }).end("x");
  else if (req.url === "/hang") return;
  else if (req.url === "/echo") {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      received.push(`${req.method} ${req.headers["x-test"]} ${req.headers["content-length"]} ${Buffer.concat(parts).toString("utf8")}`);
      res.writeHead(200, { "content-length": 0 }).end();
    });
  }
  else res.writeHead(200, { "content-length": 2 }).end("ok");
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const plan = (method: string, path: string): PlannedRequest => ({ method, path, headers: { "x-test": "1" }, body: null, weight: 1 });

function open(target: string, requests: PlannedRequest[], connections: number, pipelining: number, timeoutMs = 5000): { transport: LoadTransport; done: Done[]; waitFor: (n: number) => Promise<void> } {
  const config = { origin: target, connections, pipelining, timeoutMs, http2: false } as WorkerConfig;
  const done: Done[] = [];
  const now = (): number => performance.now();
  const transport = createHttp1Transport({
    config,
    requests,
    now,
    // The intended time carries a tag so that each completion can be matched to its send.
    onDone: (status, kind, bytesIn, tag, sentMs) => done.push({ status, kind, bytesIn, tag, elapsedMs: now() - sentMs }),
  });
  const waitFor = async (n: number): Promise<void> => {
    const until = Date.now() + 4000;
    while (done.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  };
  return { transport, done, waitFor };
}

describe("createHttp1Transport", () => {
  it("pipelines requests per connection and matches chunked, HEAD and plain responses in order", async () => {
    const { transport, done, waitFor } = open(origin, [plan("GET", "/chunked"), plan("HEAD", "/head"), plan("GET", "/")], 2, 3);
    for (let i = 0; i < 6; i++) transport.send(i % 3, i, performance.now());
    await waitFor(6);
    transport.close();
    expect(done).toHaveLength(6);
    expect(done.every((d) => d.kind === null && d.status === 200)).toBe(true);
    // Each connection answers its own sends in the order they were written.
    expect(done.map((d) => d.tag).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const byTag = new Map(done.map((d) => [d.tag, d]));
    // node:http's chunked framing of "abc"+"defg" and its head are well over the 7 body bytes.
    expect(byTag.get(0)!.bytesIn).toBeGreaterThan(7 + 40);
    // The HEAD answer is the plain one's head with "100" for "2" (two bytes more) and without
    // the plain one's 2-byte body; had its body been awaited, the next response would be lost.
    expect(byTag.get(1)!.bytesIn).toBe(byTag.get(2)!.bytesIn + 2 - 2);
    expect(byTag.get(4)!.bytesIn).toBe(byTag.get(5)!.bytesIn);
  });

  it("reconnects after Connection: close", async () => {
    const before = connectionsSeen.size;
    const { transport, done, waitFor } = open(origin, [plan("GET", "/close")], 1, 1);
    for (let i = 0; i < 3; i++) {
      transport.send(0, i, performance.now());
      await waitFor(i + 1);
    }
    transport.close();
    expect(done.map((d) => [d.status, d.kind])).toEqual([
      [503, null],
      [503, null],
      [503, null],
    ]);
    expect(connectionsSeen.size - before).toBe(3);
  });

  it("times out a silent server, then serves the next request on a new socket", async () => {
    const { transport, done, waitFor } = open(origin, [plan("GET", "/hang"), plan("GET", "/")], 1, 1, 200);
    transport.send(0, 0, performance.now());
    await waitFor(1);
    expect(done[0]).toMatchObject({ kind: "timeout", tag: 0 });
    expect(done[0]!.elapsedMs).toBeGreaterThanOrEqual(199);
    expect(done[0]!.elapsedMs).toBeLessThan(400);
    transport.send(1, 1, performance.now());
    await waitFor(2);
    transport.close();
    expect(done[1]).toMatchObject({ kind: null, status: 200, tag: 1 });
  });

  it("sends method, headers and a UTF-8 body with its byte length, and refuses header injection", async () => {
    const post: PlannedRequest = { method: "POST", path: "/echo", headers: { "x-test": "7" }, body: "héllo ✓", weight: 1 };
    const bytes = encodeHttp1Request(post, "h", origin).toString("utf8");
    expect(bytes).toContain(`content-length: ${Buffer.byteLength("héllo ✓")}\r\n`);
    const { transport, done, waitFor } = open(origin, [post, { ...post, method: "PUT", body: null }], 1, 2);
    transport.send(0, 0, performance.now());
    transport.send(1, 1, performance.now());
    await waitFor(2);
    transport.close();
    expect(done.map((d) => [d.status, d.kind])).toEqual([
      [200, null],
      [200, null],
    ]);
    expect(received).toEqual([`POST 7 ${Buffer.byteLength("héllo ✓")} héllo ✓`, "PUT 7 0 "]);
    const injected = { ...post, headers: { "x-test": "1\r\nx-evil: 1" } };
    expect(() => encodeHttp1Request(injected, "h", origin)).toThrow(PerfError);
  });

  it("reports refused connections and nothing after close()", async () => {
    const { transport, done, waitFor } = open((await reserveRefusingUrl()).replace(/\/$/, ""), [plan("GET", "/")], 2, 1);
    transport.send(0, 0, performance.now());
    transport.send(0, 1, performance.now());
    await waitFor(2);
    expect(done.map((d) => d.kind)).toEqual(["refused", "refused"]);
    transport.send(0, 2, performance.now());
    transport.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toHaveLength(2);
  });
});
