import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLoadTest } from "./run-load-test.js";
import { listenOnLoopback } from "./test-servers/index.js";

/** A loopback server that answers "ok" and counts requests per URL. */
async function listenCountingUrls() {
  const seen = new Map<string, number>();
  const server = await listenOnLoopback((req, res) => {
    seen.set(req.url ?? "", (seen.get(req.url ?? "") ?? 0) + 1);
    res.end("ok");
  });
  return { seen, server };
}

describe("runLoadTest request mixes and protocols", () => {
  it("sends a weighted request mix in proportion, with each request's method and body", async () => {
    const seen = new Map<string, number>();
    let posted = 0;
    const server = await listenOnLoopback((req, res) => {
      seen.set(req.url ?? "", (seen.get(req.url ?? "") ?? 0) + 1);
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        if (req.method === "POST" && body === '{"n":1}') posted++;
        res.end("ok");
      });
    });
    try {
      const result = await runLoadTest({
        target: server.url,
        requests: [
          { url: "/a", weight: 3 },
          { url: "/b", method: "POST", body: '{"n":1}', headers: { "content-type": "application/json" }, weight: 1 },
        ],
        maxRequests: 800,
        concurrency: 4,
        workers: 1,
      });
      expect(result.requests.ok).toBe(800);
      const a = seen.get("/a") ?? 0;
      const b = seen.get("/b") ?? 0;
      expect(a + b).toBe(800);
      // 3:1 by weight: 600 and 200, within sampling noise if the mix is drawn at random.
      expect(a).toBeGreaterThan(540);
      expect(a).toBeLessThan(660);
      expect(posted).toBe(b);
    } finally {
      await server.close();
    }
  });

  it("draws from a large mix by weight (first, middle and last entries alike)", async () => {
    const { seen, server } = await listenCountingUrls();
    try {
      // 200 light entries and three heavy ones at the start, middle and end: 3 × 100 of 500 weight.
      const requests = Array.from({ length: 203 }, (_, i) => ({ url: `/r${i}`, weight: i === 0 || i === 101 || i === 202 ? 100 : 1 }));
      const result = await runLoadTest({ target: server.url, requests, maxRequests: 1000, concurrency: 4, workers: 1 });
      expect(result.requests.ok).toBe(1000);
      for (const heavy of ["/r0", "/r101", "/r202"]) {
        // 200 expected each; far outside sampling noise if the search were off by one or biased.
        expect(seen.get(heavy) ?? 0).toBeGreaterThan(150);
        expect(seen.get(heavy) ?? 0).toBeLessThan(250);
      }
    } finally {
      await server.close();
    }
  });

  it("sends a mix in sequence: each entry once before any repeats, across workers", async () => {
    const { seen, server } = await listenCountingUrls();
    try {
      const requests = Array.from({ length: 300 }, (_, i) => ({ url: `/s${i}`, weight: i === 0 ? 1000 : 1 }));
      const result = await runLoadTest({ target: server.url, requests, mixOrder: "sequence", maxRequests: 300, concurrency: 8, workers: 2 });
      expect(result.requests.ok).toBe(300);
      expect(seen.size).toBe(300);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      await expect(runLoadTest({ target: server.url, requests, mixOrder: "shuffle" as "random", maxRequests: 1 })).rejects.toThrow(/mixOrder "shuffle"/);
    } finally {
      await server.close();
    }
  });

  it("speaks HTTP/2 over TLS to a loopback server with a self-signed certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "perfscope-h2-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
      const versions = new Map<string, number>();
      const server = createSecureServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) => {
        versions.set(req.httpVersion, (versions.get(req.httpVersion) ?? 0) + 1);
        res.end("ok");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const result = await runLoadTest({ target: `https://127.0.0.1:${port}/`, http2: true, maxRequests: 200, concurrency: 2, workers: 1 });
        expect(result.requests.ok).toBe(200);
        expect(versions.get("2.0")).toBe(200);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
