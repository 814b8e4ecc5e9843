/**
 * Test program: a RUM collector over a real SQLite store, in its own process, so tests can
 * SIGKILL it mid-ingest or watch its memory. Prints one JSON line {"url","port","pid"} once
 * it listens; SIGTERM closes it cleanly.
 *
 *   node --import tsx collector-child.ts --db FILE [--port 0] [--delay-ms 0] [--max-queued N]
 *     [--rate PER_SECOND:BURST | --rate off] [--trust-proxy] [--durability normal|full]
 *     [--max-connections N] [--batch-delay-ms 20] [--max-batch 500] [--threaded]
 *
 * --threaded runs it as `perfscope rum serve` does: HTTP in the collector's own thread, and the
 * store opened and written in its intake thread (--delay-ms does not apply then).
 */
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { RumEvent, RumStore } from "../../model.js";
import { openSqliteRumStore } from "../../store/sqlite-rum-store.js";
import { startRumCollector, type RumCollector } from "../collector.js";
import { startRumCollectorThread } from "../collector-thread.js";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    port: { type: "string", default: "0" },
    "delay-ms": { type: "string", default: "0" },
    "max-queued": { type: "string" },
    "max-connections": { type: "string" },
    rate: { type: "string", default: "off" },
    "trust-proxy": { type: "boolean", default: false },
    durability: { type: "string", default: "normal" },
    "batch-delay-ms": { type: "string" },
    "max-batch": { type: "string" },
    threaded: { type: "boolean", default: false },
  },
});
if (values.db === undefined) throw new Error("collector-child: --db FILE is required");
const durability = values.durability === "full" ? "full" : "normal";
const real = values.threaded ? undefined : await openSqliteRumStore(values.db, { durability });
const delayMs = Number(values["delay-ms"]);

// A deliberately slow writer: the real store, reached only after a pause, so the queue fills.
const store: RumStore | undefined =
  real === undefined
    ? undefined
    : delayMs > 0
    ? {
        kind: real.kind,
        insertEvents: async (events: readonly RumEvent[]) => {
          await delay(delayMs);
          await real.insertEvents(events);
        },
        close: () => real.close(),
      }
    : real;

const [perSecond, burst] = (values.rate ?? "off").split(":").map(Number);
const options = {
  port: Number(values.port),
  rateLimit: values.rate === "off" || perSecond === undefined || burst === undefined ? (false as const) : { perIpPerSecond: perSecond, burst },
  trustProxy: values["trust-proxy"],
  batch: {
    maxDelayMs: values["batch-delay-ms"] === undefined ? undefined : Number(values["batch-delay-ms"]),
    maxEvents: values["max-batch"] === undefined ? undefined : Number(values["max-batch"]),
  },
  maxQueuedEvents: values["max-queued"] === undefined ? undefined : Number(values["max-queued"]),
  maxConnections: values["max-connections"] === undefined ? undefined : Number(values["max-connections"]),
  onError: (error: unknown) => process.stderr.write(`collector-child: ${String(error)}\n`),
};
const collector: RumCollector = store === undefined ? await startRumCollectorThread({ ...options, store: values.db, durability }) : await startRumCollector({ ...options, store });
process.stdout.write(JSON.stringify({ url: collector.url, port: collector.port, pid: process.pid }) + "\n");

process.once("SIGTERM", () => {
  void collector
    .close()
    .then(() => real?.close())
    .then(() => {
      const s = collector.stats();
      process.stdout.write(JSON.stringify({ stopped: true, accepted: s.accepted, eventsWritten: s.eventsWritten }) + "\n", () => process.exit(0));
    });
});
