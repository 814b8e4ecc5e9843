import { connect, createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRumCollector, type RumCollector } from "./collector.js";
import { serveFastBeacons, type FastConnection } from "./fast-beacon-path.js";
import { makeBeacon, openTempStore, readStoredRows, type TempStore } from "./test-helpers/collector-kit.js";

let temp: TempStore;
let collector: RumCollector;

beforeAll(async () => {
  temp = await openTempStore();
  collector = await startRumCollector({ store: temp.store, rateLimit: false, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await collector.close();
  await temp.cleanup();
});

function post(body: string, extra = ""): string {
  return `POST /rum HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

interface Exchange {
  /** Status lines of the responses, in order. */
  statuses: number[];
  raw: string;
  closedByServer: boolean;
}

/**
 * Writes `parts` on one raw connection (a pause between parts), then reads until `expected`
 * responses came or the server closed the connection.
 */
function exchange(parts: (string | Buffer)[], expected: number, pauseMs = 0, halfClose = false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(collector.port, "127.0.0.1");
    let raw = "";
    let closedByServer = false;
    const statuses = (): number[] => [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: statuses(), raw, closedByServer });
    };
    const timer = setTimeout(finish, 8000);
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      raw += d;
      // Whole responses only: a 204 has no body, others declare their length.
      if (statuses().length >= expected && responsesComplete(raw)) finish();
    });
    socket.on("end", () => {
      closedByServer = true;
      finish();
    });
    socket.on("error", reject);
    void (async () => {
      for (const part of parts) {
        socket.write(part);
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (halfClose) socket.end();
    })();
  });
}

function responsesComplete(raw: string): boolean {
  const pieces = raw.split(/(?=HTTP\/1\.1 \d{3} )/);
  return pieces.every((p) => {
    const head = p.indexOf("\r\n\r\n");
    if (head === -1) return false;
    const length = /content-length: (\d+)/i.exec(p.slice(0, head));
    return Buffer.byteLength(p.slice(head + 4), "latin1") >= (length ? Number(length[1]) : 0);
  });
}

function storedPages(): Set<string> {
  return new Set(readStoredRows(temp.file).map((r) => r.page_id));
}

describe("the collector's fast beacon path", () => {
  it("answers pipelined beacons in order, and a beacon that arrives a byte at a time", async () => {
    const [a, b, c] = [makeBeacon(), makeBeacon(), makeBeacon()];
    const pipelined = await exchange([post(JSON.stringify(a)) + post("{not json") + post(JSON.stringify(b))], 3);
    expect(pipelined.statuses).toEqual([204, 400, 204]);
    expect(pipelined.raw).toContain('{"error":"body: not valid JSON"}');
    const bytes = [...Buffer.from(post(JSON.stringify(c)))].map((x) => Buffer.from([x]));
    const trickled = await exchange(bytes, 1, 1);
    expect(trickled.statuses).toEqual([204]);
    const pages = storedPages();
    for (const beacon of [a, b, c]) expect(pages.has(beacon.pageId)).toBe(true);
  });

  it("answers a pipeline longer than the 64 KB it buffers (the rest waits in the socket) in order", async () => {
    const beacons = Array.from({ length: 150 }, () => makeBeacon());
    const flood = beacons.map((b) => post(JSON.stringify(b))).join("");
    expect(flood.length).toBeGreaterThan(2 * 64 * 1024);
    const r = await exchange([flood], beacons.length);
    expect(r.statuses).toEqual(beacons.map(() => 204));
    const pages = storedPages();
    expect(beacons.every((b) => pages.has(b.pageId))).toBe(true);
  });

  it("hands a connection to node:http at the first request that is not a plain beacon POST", async () => {
    const [a, b] = [makeBeacon(), makeBeacon()];
    const mixed = await exchange([post(JSON.stringify(a)), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", post(JSON.stringify(b))], 3, 50);
    expect(mixed.statuses).toEqual([204, 200, 204]);
    expect(mixed.raw).toMatch(/"ok":true/);
    // A chunked upload is node:http's to read; it is a beacon all the same.
    const c = makeBeacon();
    const text = JSON.stringify(c);
    const chunked = await exchange([`POST /rum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`], 1);
    expect(chunked.statuses).toEqual([204]);
    const pages = storedPages();
    for (const beacon of [a, b, c]) expect(pages.has(beacon.pageId)).toBe(true);
  });

  it("never reads an ambiguous request itself: smuggling shapes get node:http's 400 and store nothing", async () => {
    const hidden = makeBeacon();
    const inner = post(JSON.stringify(hidden));
    const shapes = [
      // Content-Length and Transfer-Encoding together: the classic desync.
      `POST /rum HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${inner}`,
      // Two different lengths.
      `POST /rum HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: ${inner.length + 2}\r\n\r\n{}${inner}`,
      // A folded header line (obsolete line folding).
      `POST /rum HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n continued\r\n\r\n{}`,
      // A control character in a header value, and ones that trim() would have hidden at its edge.
      `POST /rum HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\n{}`,
      `POST /rum HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\r\n\r\n{}`,
      `POST /rum HTTP/1.1\r\nHost: x\r\nContent-Length: 2\x0b\r\n\r\n{}`,
    ];
    for (const shape of shapes) {
      const r = await exchange([shape], 1);
      expect(r.statuses[0], JSON.stringify(shape.slice(0, 80))).toBe(400);
    }
    expect(storedPages().has(hidden.pageId)).toBe(false);
  });

  it("answers a long pipeline of instantly refused requests without growing the stack, and stays up", async () => {
    const empty = "POST /rum HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n";
    const r = await exchange([empty.repeat(3000)], 3000);
    expect(r.statuses).toHaveLength(3000);
    expect(new Set(r.statuses)).toEqual(new Set([400]));
    expect((await exchange(["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], 1)).statuses).toEqual([200]);
  });

  it("reads nothing after a request that asked to close, and serves a hand-over after the client half-closed", async () => {
    const after = makeBeacon();
    const closed = await exchange([post("", "Connection: close\r\n") + post(JSON.stringify(after))], 2);
    expect(closed.statuses).toEqual([400]);
    expect(closed.closedByServer).toBe(true);
    const [a] = [makeBeacon()];
    const half = await exchange([post(JSON.stringify(a)) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], 2, 0, true);
    expect(half.statuses).toEqual([204, 200]);
    expect(storedPages().has(a.pageId)).toBe(true);
    expect(storedPages().has(after.pageId)).toBe(false);
  });

  it("leaves over-long bodies to node:http's 413, and honours Connection: close", async () => {
    const big = await exchange([post("x".repeat(5000))], 1);
    expect(big.statuses).toEqual([413]);
    // Waits for a second answer that never comes: the server's close ends the exchange.
    const closing = await exchange([post(JSON.stringify(makeBeacon()), "Connection: close\r\n")], 2);
    expect(closing.statuses).toEqual([204]);
    expect(closing.raw).toMatch(/connection: close/i);
    expect(closing.closedByServer).toBe(true);
  });

  it("closes a keep-alive connection left idle, and one the client never closed after Connection: close", async () => {
    const started = Date.now();
    // Half-open after our close: the client reads our FIN but keeps its own side open. Once the
    // server has let go of the socket, a late write from the client is reset.
    const lingering = connect({ port: collector.port, host: "127.0.0.1", allowHalfOpen: true });
    lingering.on("error", () => undefined);
    lingering.resume();
    lingering.write(post(JSON.stringify(makeBeacon()), "Connection: close\r\n"));
    const lingeringEnded = new Promise<void>((resolve) => lingering.once("end", () => resolve()));
    const lingeringClosed = new Promise<void>((resolve) => lingering.once("close", () => resolve()));
    const idle = await exchange([post(JSON.stringify(makeBeacon()))], 2);
    expect(idle.statuses).toEqual([204]);
    expect(idle.closedByServer).toBe(true);
    // 5 s of idleness, checked once a second.
    expect(Date.now() - started).toBeGreaterThan(4500);
    expect(Date.now() - started).toBeLessThan(7900);
    await lingeringEnded;
    await new Promise((r) => setTimeout(r, Math.max(0, 7000 - (Date.now() - started))));
    // The first write draws the reset; the next one reports it (the read side has ended already).
    lingering.write("x");
    await new Promise((r) => setTimeout(r, 300));
    lingering.write("y");
    const reset = await Promise.race([lingeringClosed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    expect(reset).toBe(true);
  }, 20_000);
});

describe("serveFastBeacons when the collector's handler throws", () => {
  it("answers 500, reports the error, and keeps serving the connection", async () => {
    const errors: unknown[] = [];
    const connections = new Set<FastConnection>();
    const server = createServer((socket) =>
      serveFastBeacons(socket, {
        path: "/rum",
        maxBodyBytes: 4096,
        handOver: (s) => s.destroy(),
        handle: () => {
          throw new Error("handler bug");
        },
        closing: () => false,
        onError: (error) => errors.push(error),
      }, connections),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
        let text = "";
        socket.setEncoding("latin1");
        socket.on("data", (d: string) => {
          text += d;
          if ((text.match(/internal error/g) ?? []).length === 2) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on("error", reject);
        setTimeout(() => reject(new Error(`no two answers in 5 s: ${JSON.stringify(text)}`)), 5000).unref();
        socket.write(post(JSON.stringify(makeBeacon())) + post(JSON.stringify(makeBeacon())));
      });
      expect([...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))).toEqual([500, 500]);
      expect(errors.map(String)).toEqual(["Error: handler bug", "Error: handler bug"]);
    } finally {
      for (const c of connections) c.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
