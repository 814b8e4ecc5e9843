import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RUM_THRESHOLDS, type RumEvent } from "../model.js";
import { startRumCollector, type RumCollector, type RumCollectorOptions } from "./collector.js";
import { makeBeacon, openTempStore, postBeacon, readStoredRows, send, type TempStore } from "./test-helpers/collector-kit.js";

let temp: TempStore;
let collector: RumCollector | undefined;

beforeEach(async () => {
  temp = await openTempStore();
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  await temp.cleanup();
});

async function start(options: Partial<RumCollectorOptions> = {}): Promise<RumCollector> {
  collector = await startRumCollector({ store: temp.store, ...options });
  return collector;
}

describe("startRumCollector: beacons in, events stored", () => {
  it("answers 204 only once the events are committed, with routes folded and ratings recomputed", async () => {
    const c = await start();
    const beacons = Array.from({ length: 30 }, () => makeBeacon());
    // The client claims INP 168 ms is "poor" and LCP 2712 ms is "good": both wrong.
    for (const b of beacons) {
      b.metrics[0]!.rating = "good";
      b.metrics[1]!.rating = "poor";
    }
    const replies = await Promise.all(beacons.map((b) => postBeacon(c.url + "/rum", b, { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1" })));
    expect(replies.map((r) => r.status)).toEqual(beacons.map(() => 204));
    // Acknowledged means committed: the rows are in the file the moment the replies are in.
    const rows = readStoredRows(temp.file);
    expect(rows).toHaveLength(30 * 4);
    const lcp = rows.filter((r) => r.metric === "LCP");
    expect(new Set(lcp.map((r) => r.page_id))).toEqual(new Set(beacons.map((b) => b.pageId)));
    for (const r of lcp) {
      expect(r.route).toBe("/product/:id");
      expect(r.url).toMatch(/^https:\/\/shop\.example\.com\/product\/\d+$/);
      // 2712.4 lies between the good (2500) and poor (4000) LCP thresholds.
      expect(2712.4).toBeGreaterThan(RUM_THRESHOLDS.LCP.good);
      expect(r.rating).toBe("needs-improvement");
      expect(r.device).toBe("mobile");
      expect(r.target).toBe("main>div.hero>img");
      expect(JSON.parse(r.attribution ?? "{}")).toEqual({ url: "https://cdn.example.com/hero.avif", ttfb: 310.2, loadDelay: 420.5, loadDuration: 1400.1, renderDelay: 581.6 });
    }
    expect(rows.filter((r) => r.metric === "INP").every((r) => r.rating === "good")).toBe(true);
    expect(rows.some((r) => r.url.includes("?") || r.url.includes("#") || r.url.includes("utm_source"))).toBe(false);
    const stats = c.stats();
    expect(stats.accepted).toBe(30);
    expect(stats.eventsWritten).toBe(120);
  });

  it("accepts application/json and no content type; refuses other media types with 415", async () => {
    const c = await start();
    expect((await send(c.url + "/rum", { method: "POST", body: JSON.stringify(makeBeacon()), headers: { "content-type": "application/json" } })).status).toBe(204);
    expect((await send(c.url + "/rum", { method: "POST", body: JSON.stringify(makeBeacon()) })).status).toBe(204);
    const form = await send(c.url + "/rum", { method: "POST", body: JSON.stringify(makeBeacon()), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
    expect(readStoredRows(temp.file)).toHaveLength(8);
  });

  it("stores injection-looking text verbatim (parameters, not SQL) and names the bad field on a 400", async () => {
    const c = await start();
    const beacon = makeBeacon();
    beacon.metrics[1]!.attribution!.target = "button[data-x=\"'); DROP TABLE rum_events;--\"]";
    expect((await postBeacon(c.url + "/rum", beacon)).status).toBe(204);
    const bad = makeBeacon();
    (bad.metrics[2] as { value: unknown }).value = "0.1";
    const reply = await postBeacon(c.url + "/rum", bad);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({ error: "metrics[2].value: expected a finite number" });
    const rows = readStoredRows(temp.file);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.metric === "INP")?.target).toBe("button[data-x=\"'); DROP TABLE rum_events;--\"]");
  });

  it("answers 413 for a body over the cap, without storing it, and keeps serving", async () => {
    const c = await start({ maxBodyBytes: 2048 });
    const huge = makeBeacon();
    huge.metrics[0]!.attribution!.target = "x".repeat(150);
    const body = JSON.stringify({ ...huge, url: "https://a.example/" + "p".repeat(1900) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(2048);
    expect((await send(c.url + "/rum", { method: "POST", body, headers: { "content-type": "text/plain" } })).status).toBe(413);
    const big = await send(c.url + "/rum", { method: "POST", body: "{" + " ".repeat(200_000) + "}", headers: { "content-type": "text/plain" } });
    expect(big.status).toBe(413);
    expect((await postBeacon(c.url + "/rum", makeBeacon())).status).toBe(204);
    expect(readStoredRows(temp.file)).toHaveLength(4);
    expect(c.stats().rejected["too-large"]).toBe(2);
  });

  it("answers 405 to other methods, 404 elsewhere, and /healthz with the counters", async () => {
    const c = await start();
    for (const method of ["PUT", "DELETE", "PATCH", "GET"] as const) {
      const reply = await send(c.url + "/rum", { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe("POST, OPTIONS");
    }
    expect((await send(c.url + "/elsewhere")).status).toBe(404);
    expect((await send(c.url + "/perfscope-rum.js")).status).toBe(404);
    await postBeacon(c.url + "/rum", makeBeacon());
    const health = await send(c.url + "/healthz");
    expect(health.status).toBe(200);
    const body = JSON.parse(health.text) as { ok: boolean; intake: string; accepted: number; rejected: Record<string, number> };
    expect(body.ok).toBe(true);
    expect(body.intake).toBe("up");
    expect(body.accepted).toBe(1);
    expect(body.rejected.method).toBe(4);
    expect(body.rejected["not-found"]).toBe(2);
  });

  it("close() resolves only once the beacons it holds are written", async () => {
    // The real store behind a 300 ms pause: close() is called while the write is pending.
    const slow = { kind: temp.store.kind, close: () => Promise.resolve(), insertEvents: async (events: readonly RumEvent[]) => {
      await new Promise((r) => setTimeout(r, 300));
      await temp.store.insertEvents(events);
    } };
    const c = await startRumCollector({ store: slow });
    collector = c;
    const pending = Array.from({ length: 5 }, () => postBeacon(c.url + "/rum", makeBeacon()));
    while (c.stats().queuedEvents < 20) await new Promise((r) => setTimeout(r, 5));
    expect(readStoredRows(temp.file)).toHaveLength(0);
    await c.close();
    collector = undefined;
    expect(readStoredRows(temp.file)).toHaveLength(20);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    await expect(postBeacon(c.url + "/rum", makeBeacon())).rejects.toThrow();
  });
});

describe("startRumCollector: CORS", () => {
  it("echoes an allowed origin, answers preflights, refuses other origins with 403", async () => {
    const c = await start({ allowedOrigins: ["https://shop.example.com"] });
    const pre = await send(c.url + "/rum", { method: "OPTIONS", headers: { origin: "https://shop.example.com", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("https://shop.example.com");
    expect(String(pre.headers["access-control-allow-methods"])).toContain("POST");
    expect(String(pre.headers["access-control-allow-headers"]).toLowerCase()).toContain("content-type");
    const ok = await postBeacon(c.url + "/rum", makeBeacon(), { origin: "https://shop.example.com" });
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("https://shop.example.com");
    expect(ok.headers.vary).toBe("Origin");
    const evil = await postBeacon(c.url + "/rum", makeBeacon(), { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await send(c.url + "/rum", { method: "OPTIONS", headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect(readStoredRows(temp.file)).toHaveLength(4);
  });

  it('sends "*" only when "*" is configured', async () => {
    const c = await start({ allowedOrigins: ["*"] });
    const reply = await postBeacon(c.url + "/rum", makeBeacon(), { origin: "https://anyone.example" });
    expect(reply.status).toBe(204);
    expect(reply.headers["access-control-allow-origin"]).toBe("*");
    await c.close();
    collector = undefined;
    const open = await start();
    const plain = await postBeacon(open.url + "/rum", makeBeacon(), { origin: "https://anyone.example" });
    expect(plain.status).toBe(204);
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("startRumCollector: rate limit", () => {
  it("answers 429 with Retry-After past the burst, while another IP is still served", async () => {
    const c = await start({ rateLimit: { perIpPerSecond: 1, burst: 5 }, trustProxy: true });
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 8; i++) {
      const reply = await postBeacon(c.url + "/rum", makeBeacon(), { "x-forwarded-for": "203.0.113.7, 10.0.0.1" });
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter = reply.headers["retry-after"];
    }
    expect(statuses.slice(0, 5)).toEqual([204, 204, 204, 204, 204]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await postBeacon(c.url + "/rum", makeBeacon(), { "x-forwarded-for": "198.51.100.23" })).status).toBe(204);
    expect(readStoredRows(temp.file)).toHaveLength(6 * 4);
    expect(c.stats().rejected["rate-limited"]).toBe(3);
  });

  it("keys on the entry the trusted proxy appended, so a client cannot rotate the ones before it", async () => {
    const c = await start({ rateLimit: { perIpPerSecond: 1, burst: 2 }, trustProxy: true });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postBeacon(c.url + "/rum", makeBeacon(), { "x-forwarded-for": `192.0.2.${i}, 203.0.113.9` })).status);
    expect(statuses).toEqual([204, 204, 429]);
  });

  it("ignores X-Forwarded-For unless trustProxy is set", async () => {
    const c = await start({ rateLimit: { perIpPerSecond: 1, burst: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postBeacon(c.url + "/rum", makeBeacon(), { "x-forwarded-for": `192.0.2.${i}` })).status);
    expect(statuses).toEqual([204, 204, 429]);
  });
});

describe("startRumCollector: snippet", () => {
  it("serves the snippet file with an ETag and answers 304 to a matching If-None-Match", async () => {
    const file = join(temp.dir, "perfscope-rum.js");
    writeFileSync(file, "/* snippet */ console.log('rum');\n");
    const c = await start({ serveSnippet: file });
    const first = await send(c.url + "/perfscope-rum.js");
    expect(first.status).toBe(200);
    expect(first.text).toBe("/* snippet */ console.log('rum');\n");
    expect(String(first.headers["content-type"])).toContain("javascript");
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    expect((await send(c.url + "/perfscope-rum.js", { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await send(c.url + "/perfscope-rum.js", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
  });

  it("fails to start, naming the file, when the snippet is missing", async () => {
    await expect(startRumCollector({ store: temp.store, serveSnippet: join(temp.dir, "missing.js") })).rejects.toMatchObject({ code: "USAGE", where: { file: join(temp.dir, "missing.js") } });
  });
});

describe("startRumCollector: streamed bodies", () => {
  it("stops a chunked upload at the cap with 413", async () => {
    const c = await start({ maxBodyBytes: 4096 });
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x20));
    // No content-length: the cap has to hold while the body streams in.
    const reply = await request(c.url + "/rum", { method: "POST", body: Readable.from(chunks), headers: { "content-type": "text/plain" } });
    expect(reply.statusCode).toBe(413);
    await reply.body.dump();
    expect(c.stats().rejected["too-large"]).toBe(1);
    expect((await postBeacon(c.url + "/rum", makeBeacon())).status).toBe(204);
  });
});
