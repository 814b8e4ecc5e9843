import { afterAll, beforeAll, expect, it } from "vitest";
import { runLoadTest } from "../load/run-load-test.js";
import { getMemoryStats } from "./collect/get-memory-stats.js";
import { startMemoryTarget, type MemoryTarget } from "./test-programs/start-memory-target.js";

let server: MemoryTarget;
// The brief finds its process by name; a unique tag on the command line keeps parallel tests apart.
const name = `web_server-${process.pid}-${Date.now().toString(36)}`;
beforeAll(async () => {
  server = await startMemoryTarget("leaking-server", 1000, [`--name=${name}`]);
}, 30_000);
afterAll(async () => server?.stop());

/**
 * The brief's third example, in TypeScript: sample get_memory_stats({ process }) at an
 * interval, then apply its growth rule. Shortened from an hour to a few seconds of load on
 * a server that really leaks ~1 KB per request.
 */
it("runs the brief's memory-sampling example against a real leaking process", async () => {
  const printed: string[] = [];
  const print = (line: string): void => void printed.push(line);
  const load = runLoadTest({ target: server.url!, concurrency: 4, duration: 6 });

  const memorySamples: { timestamp: number; heap_used: number; rss: number }[] = [];
  const duration = 6;
  const interval = 1;
  for (let i = 0; i < duration / interval; i++) {
    const mem = await getMemoryStats({ process: name });
    memorySamples.push({ timestamp: Date.now() / 1000, heap_used: mem.heap_used!, rss: mem.rss });
    await new Promise((r) => setTimeout(r, interval * 1000));
  }
  await load;

  const heapValues = memorySamples.map((s) => s.heap_used);
  const heapGrowth = ((heapValues[heapValues.length - 1]! - heapValues[0]!) / heapValues[0]!) * 100;
  if (heapGrowth > 20) {
    print("⚠️  Potential memory leak detected:");
    print(`  Heap usage grew ${heapGrowth.toFixed(1)}% over ${duration / 60} minutes`);
  } else {
    print(`✓ Memory usage stable (heap ${heapGrowth >= 0 ? "+" : ""}${heapGrowth.toFixed(1)}%)`);
  }

  expect(memorySamples).toHaveLength(6);
  for (const s of memorySamples) {
    expect(s.heap_used).toBeGreaterThan(1_000_000);
    expect(s.rss).toBeGreaterThan(s.heap_used);
  }
  expect(printed[0]).toContain("Potential memory leak detected");
}, 60_000);
