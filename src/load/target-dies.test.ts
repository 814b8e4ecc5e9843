import { describe, expect, it } from "vitest";
import { runLoadTest } from "./run-load-test.js";
import { listenOnLoopback } from "./test-servers/index.js";

describe("runLoadTest when the target dies mid-run", () => {
  it("returns a result with the failures counted by kind, not a crash", async () => {
    const server = await listenOnLoopback((_req, res) => res.end("ok"));
    // The server goes away one second into a three-second run: its open sockets are
    // destroyed (resets) and new connections are refused from then on.
    const killer = setTimeout(() => void server.close(), 1000);
    try {
      const result = await runLoadTest({ target: server.url, concurrency: 4, duration: 3, workers: 1 });
      expect(result.partial).toBeNull();
      expect(result.requests.ok).toBeGreaterThan(100);
      expect(result.errors.refused + result.errors.reset).toBeGreaterThan(0);
      expect(result.requests.errors).toBeGreaterThan(0);
      // Successes happened only while the server lived: the timeline's later seconds are all errors.
      const late = result.timeline.filter((p) => p.second >= 2);
      expect(late.length).toBeGreaterThan(0);
      for (const p of late) expect(p.errors).toBe(p.completed);
    } finally {
      clearTimeout(killer);
      await server.close().catch(() => undefined);
    }
  });
});
