/**
 * The raw transport's response parser, fed the same byte stream whole, split at every
 * position and byte by byte: the responses it reports must not depend on how reads fall.
 * Expected sizes are the lengths of the literal responses below, not parser output.
 */
import { describe, expect, it } from "vitest";
import { Http1ResponseParser } from "./http1-parser.js";

interface Seen {
  status: number;
  bytes: number;
  keepAlive: boolean;
}

/** A handler that records responses; `heads` lists which responses answer HEAD requests. */
function collect(heads: ReadonlySet<number> = new Set(), stopAfter = Infinity): { parser: Http1ResponseParser; seen: Seen[] } {
  const seen: Seen[] = [];
  const parser = new Http1ResponseParser({
    answersHeadRequest: () => heads.has(seen.length),
    onResponse: (status, bytes, keepAlive) => {
      seen.push({ status, bytes, keepAlive });
      return seen.length < stopAfter;
    },
  });
  return { parser, seen };
}

/** Feeds `bytes` cut at `cuts`, through a larger scratch buffer (as reads into a shared buffer arrive). */
function feed(parser: Http1ResponseParser, bytes: Buffer, cuts: number[]): boolean {
  const scratch = Buffer.alloc(bytes.length + 64, 0x41);
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    bytes.copy(scratch, 7, from, to);
    if (!parser.execute(scratch, 7, 7 + (to - from))) return false;
    from = to;
  }
  return true;
}

const responses = [
  { status: 200, keepAlive: true, text: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello" },
  // A chunked body whose data looks like a head and a terminator, with an extension and trailers.
  { status: 201, keepAlive: true, text: "HTTP/1.1 201 Created\r\ntransfer-encoding: gzip, Chunked\r\n\r\nC;name=v\r\nHTTP/1.1\r\n\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n" },
  { status: 204, keepAlive: true, text: "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n" },
  { status: 304, keepAlive: true, text: "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n" },
  // Answers a HEAD request: Content-Length describes a body that is not sent.
  { status: 200, keepAlive: true, text: "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n" },
  // Interim 100 and 103 come before the final response and count towards its bytes.
  { status: 404, keepAlive: true, text: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n" },
  { status: 200, keepAlive: true, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
  { status: 500, keepAlive: false, text: "HTTP/1.1 500 Internal Server Error\r\nConnection: Upgrade, close\r\nContent-Length: 3\r\n\r\nbad" },
];
const stream = Buffer.from(responses.map((r) => r.text).join(""), "latin1");
const expected: Seen[] = responses.map((r) => ({ status: r.status, bytes: Buffer.byteLength(r.text, "latin1"), keepAlive: r.keepAlive }));
const headIndex = new Set([4]);

describe("Http1ResponseParser", () => {
  it("reads pipelined responses from one chunk: lengths, chunked, bodiless, interim, close", () => {
    const { parser, seen } = collect(headIndex);
    expect(feed(parser, stream, [])).toBe(true);
    expect(seen).toEqual(expected);
    expect(parser.idle).toBe(true);
  });

  it("gives the same responses whatever the split: every single cut and every pair of cuts", () => {
    for (let a = 1; a < stream.length; a++) {
      const { parser, seen } = collect(headIndex);
      expect(feed(parser, stream, [a])).toBe(true);
      expect(seen, `cut at ${a}`).toEqual(expected);
    }
    for (let a = 1; a < stream.length; a += 7) {
      for (let b = a + 1; b < stream.length; b += 3) {
        const { parser, seen } = collect(headIndex);
        feed(parser, stream, [a, b]);
        expect(seen, `cuts at ${a}, ${b}`).toEqual(expected);
      }
    }
  });

  it("parses the stream byte by byte", () => {
    const { parser, seen } = collect(headIndex);
    expect(feed(parser, stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1))).toBe(true);
    expect(seen).toEqual(expected);
  });

  it("ends a body without length at the close, and reports a body cut short", () => {
    const untilClose = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nstreamed until the end";
    const a = collect();
    feed(a.parser, Buffer.from(untilClose), [20, 40]);
    expect(a.seen).toEqual([]);
    expect(a.parser.finish()).toBe(true);
    expect(a.seen).toEqual([{ status: 200, bytes: untilClose.length, keepAlive: false }]);

    const b = collect();
    feed(b.parser, Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"), []);
    expect(b.parser.finish()).toBe(false);
    const c = collect();
    feed(c.parser, Buffer.from("HTTP/1.1 200 OK\r\nContent-Le"), []);
    expect(c.parser.finish()).toBe(false);
    expect(collect().parser.finish()).toBe(true);
  });

  it("keeps HTTP/1.0 connections open only when the server says keep-alive", () => {
    const { parser, seen } = collect();
    feed(parser, Buffer.from("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\ny"), []);
    expect(seen.map((s) => s.keepAlive)).toEqual([true, false]);
  });

  it("stops when the handler says so", () => {
    const { parser, seen } = collect(headIndex, 2);
    expect(feed(parser, stream, [])).toBe(false);
    expect(seen).toEqual(expected.slice(0, 2));
  });

  const malformed: Array<[string, string, RegExp]> = [
    ["not HTTP", "NOT-HTTP garbage\r\n\r\n", /HTTP\/1\.x status line at byte 0/],
    ["bad status", "HTTP/1.1 2x0 OK\r\n\r\n", /malformed status line/],
    ["bad length", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", /Content-Length is not a number/],
    ["two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", /conflicting Content-Length/],
    ["no colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", /without a name and colon/],
    ["space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", /whitespace in a header name/],
    ["folded", "HTTP/1.1 200 OK\r\nA: b\r\n  c\r\nContent-Length: 0\r\n\r\n", /whitespace in a header name/],
    ["bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", /status line not ended by CRLF/],
    ["bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /hex chunk size/],
    ["chunk overrun", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", /CRLF after chunk data/],
    ["second response bad", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK\r\n\r\n", /status line at byte 40/],
  ];
  for (const [name, text, message] of malformed) {
    it(`rejects malformed input (${name}) whole and split`, () => {
      const bytes = Buffer.from(text, "latin1");
      for (const cuts of [[], [Math.floor(bytes.length / 2)], Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)]) {
        const { parser } = collect();
        expect(feed(parser, bytes, cuts)).toBe(false);
        expect(parser.error).toMatch(message);
        // A failed parser stays failed.
        expect(parser.execute(Buffer.from("HTTP/1.1 200 OK\r\n\r\n"), 0, 19)).toBe(false);
      }
    });
  }

  it("refuses a head that never ends instead of buffering it forever", () => {
    const { parser } = collect();
    const line = Buffer.from(`X-Filler: ${"a".repeat(1000)}\r\n`);
    let ok = parser.execute(Buffer.from("HTTP/1.1 200 OK\r\n"), 0, 17);
    for (let i = 0; i < 100 && ok; i++) ok = parser.execute(line, 0, line.length);
    expect(ok).toBe(false);
    expect(parser.error).toMatch(/head longer than/);
  });
});
