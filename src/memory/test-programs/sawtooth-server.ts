/**
 * Test program (b): a healthy server with a large, stable GC sawtooth. Each request builds
 * a ~25 KB result (objects and strings) and keeps it for 1 s in a recent-results cache, as
 * a short-TTL response cache would; a timer drops expired ones. Nothing outlives its TTL,
 * but results that live through scavenges reach the old generation, which then climbs by
 * tens of MB between major GCs and falls back to the same floor each time.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announceReady, intervalFromArgs, startMemoryReporter } from "./memory-reporter.js";

const TTL_MS = 1000;
const recent = new Map<number, { expires: number; rows: { id: number; name: string; tags: string[] }[] }>();
let served = 0;

function buildResult(seed: number): { id: number; name: string; tags: string[] }[] {
  const rows = [];
  for (let i = 0; i < 200; i++) rows.push({ id: seed + i, name: `row-${seed}-${i}-${"v".repeat(40)}`, tags: [`t${i % 7}`, `u${i % 13}`] });
  return rows;
}

const server = createServer((req, res) => {
  const id = served++;
  const rows = buildResult(id);
  recent.set(id, { expires: Date.now() + TTL_MS, rows });
  const body = JSON.stringify({ rows: rows.length, first: rows[0]?.name.length ?? 0, url: req.url, cached: recent.size });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});

// Map iteration is in insertion order, which is expiry order: stop at the first live entry.
setInterval(() => {
  const now = Date.now();
  for (const [id, entry] of recent) {
    if (entry.expires > now) break;
    recent.delete(id);
  }
}, 100).unref();

server.listen(0, "127.0.0.1", () => {
  startMemoryReporter({ intervalMs: intervalFromArgs(100), requests: () => served });
  announceReady((server.address() as AddressInfo).port);
});
