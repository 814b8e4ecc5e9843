/**
 * The shipped memory-leak skill through run_skill, against two real servers under real
 * load at once: one keeping ~1 KB per request forever, one with a GC sawtooth of the same
 * allocation pattern and a fixed-size cache. A 32 s watch: just past the 30 s the verdict
 * needs. The old-generation cap (64 MB) makes major GCs frequent enough to judge on.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { callTool, NO_ACCESS, startScriptServer, textOf, type ScriptServer } from "./test-helpers/script-server.js";
import { reservePort } from "../../test-helpers/reserve-port.js";

const program = fileURLToPath(new URL("./test-programs/memory-server.mjs", import.meta.url));
const servers: ScriptServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function watch(mode: "leak" | "stable"): Promise<string> {
  const port = await reservePort();
  const origin = `http://127.0.0.1:${port}`;
  const command = ["node", "--max-old-space-size=64", program, String(port), mode];
  const s = await startScriptServer({ policy: { ...NO_ACCESS, allowedCommands: [command.slice(0, 3).join(" ")], allowedTargets: [origin] } });
  servers.push(s);
  const r = await callTool(s.client, "run_skill", { name: "memory-leak", args: { command, load: `${origin}/`, duration: 32, requestsPerSecond: 300 } });
  const text = textOf(r);
  expect(r.isError, text).toBeFalsy();
  expect((r.structuredContent!.files as { path: string }[]).some((f) => f.path === "memory/memory-series.json")).toBe(true);
  return text;
}

describe.concurrent("memory-leak skill on real servers under load", () => {
  it("says LEAK for the server keeping ~1 KB per request, with the growth per request near 1 KB", async () => {
    const text = await watch("leak");
    expect(text.split("\n")[0]).toMatch(/^LEAK: /);
    const perRequest = Number(/≈ (\d+) B retained per request/.exec(text)?.[1]);
    // An array of 128 small integers is 1 KB of elements plus its header.
    expect(perRequest).toBeGreaterThan(600);
    expect(perRequest).toBeLessThan(2500);
    expect(text).toMatch(/heap floor \+[\d.]+ MB\/min \[95% CI \+[\d.]+ MB\/min/);
  }, 90_000);

  it("says NO LEAK for the healthy sawtooth server", async () => {
    const text = await watch("stable");
    expect(text.split("\n")[0]).toMatch(/^NO LEAK: /);
    expect(text).toMatch(/basis: heapUsed after major GC/);
  }, 90_000);
});
