/**
 * Test program (a): an HTTP server on a random loopback port that leaks ~1 KB per request.
 * Each request's id string (1024 characters, unique, flat) is pushed to a global array
 * that nothing ever clears, the way a forgotten request log or listener list leaks.
 * Prints "PORT n" when listening; reports memory over IPC (memory-reporter.ts).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announceReady, intervalFromArgs, startMemoryReporter } from "./memory-reporter.js";

const leaked: string[] = [];
let served = 0;

const server = createServer((req, res) => {
  // 512 random bytes as hex: a 1024-character one-byte string, ~1 KB on the V8 heap.
  const id = randomBytes(512).toString("hex");
  leaked.push(id);
  // Some ordinary per-request garbage, as any handler makes.
  const body = JSON.stringify({ url: req.url, id: id.slice(0, 16), held: leaked.length });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
  served++;
});

// --port=N lets a watcher that starts the program aim its load before it listens (default: a random port).
const portArg = process.argv.find((a) => a.startsWith("--port="));
server.listen(portArg ? Number(portArg.slice("--port=".length)) : 0, "127.0.0.1", () => {
  startMemoryReporter({ intervalMs: intervalFromArgs(100), requests: () => served });
  announceReady((server.address() as AddressInfo).port);
});
