/**
 * Test program (c): a process whose memory grows and then plateaus, like a cache warming
 * up. For the first ~10 s it adds entries (about 3 MB a second) until the cache holds its
 * cap of 30,000 entries of ~1 KB; then it only reads them, making ordinary short-lived
 * garbage that keeps the collector busy. Memory rises, then holds: no leak.
 */
import { randomBytes } from "node:crypto";
import { announceReady, intervalFromArgs, startMemoryReporter } from "./memory-reporter.js";

const CAP = 30_000;
const PER_TICK = 150;
const TICK_MS = 50;
const cache = new Map<number, string>();
let reads = 0;

setInterval(() => {
  for (let i = 0; i < PER_TICK && cache.size < CAP; i++) cache.set(cache.size, randomBytes(512).toString("hex"));
  // Lookups that build and drop temporaries: the garbage of a process at work.
  let total = 0;
  for (let i = 0; i < 2000; i++) {
    const key = (reads++ * 7919) % Math.max(1, cache.size);
    const hit = cache.get(key);
    total += hit === undefined ? 0 : JSON.stringify({ key, head: hit.slice(0, 64) }).length;
  }
  if (total < 0) process.stdout.write("unreachable\n");
}, TICK_MS);

startMemoryReporter({ intervalMs: intervalFromArgs(100), requests: () => null });
announceReady(null);
