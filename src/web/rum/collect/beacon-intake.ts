/**
 * What happens to a beacon body once the HTTP side has read it: UTF-8 and JSON checks,
 * validation, route and device, the events, and the group-commit writer. The collector uses
 * it in its own thread when it is handed a store object, and inside its intake worker
 * thread when it opens the store itself (threaded-intake.ts).
 */
import { isUtf8 } from "node:buffer";
import type { RumStore } from "../model.js";
import { createBatchWriter, type BatchWriterStats } from "./batch-writer.js";
import { buildRumEvents } from "./build-events.js";
import { classifyDevice, type DeviceHeaders } from "./classify-device.js";
import { normalizeRoute, type RouteRule } from "./normalize-route.js";
import { validateRumBeacon } from "./validate-beacon.js";

export type IntakeOutcome =
  /** Committed: answer 204. */
  | { kind: "stored" }
  /** Not a valid beacon: answer 400 with `error`. */
  | { kind: "invalid"; error: string }
  /** The write queue is full: answer 503. */
  | { kind: "busy" }
  /** The write holding it failed: answer 503. */
  | { kind: "write-failed" };

/** The batch writer's counts, wherever the intake runs. */
export type IntakeStats = BatchWriterStats;

export interface BeaconIntake {
  /** Checks and queues one body (decoded by decodeBeaconBody); `done` is called once, at once for invalid or busy. */
  submit(text: string, headers: DeviceHeaders, done: (outcome: IntakeOutcome) => void): void;
  /** Whether a beacon could be queued now (the collector sheds before reading a body). */
  hasRoom(): boolean;
  /** Whether beacons can be kept at all (false while a dead intake thread is being restarted). */
  isUp(): boolean;
  /** Writes what is queued; resolves when nothing is queued or being written. */
  drain(): Promise<void>;
  stats(): IntakeStats;
}

export interface BeaconIntakeOptions {
  store: RumStore;
  routeRules: readonly RouteRule[] | undefined;
  maxBatchEvents: number;
  maxBatchDelayMs: number;
  maxQueuedEvents: number;
  onError: (error: unknown) => void;
}

export const STORED: IntakeOutcome = { kind: "stored" };
export const BUSY: IntakeOutcome = { kind: "busy" };
export const WRITE_FAILED: IntakeOutcome = { kind: "write-failed" };

function invalid(error: string): IntakeOutcome {
  return { kind: "invalid", error };
}

/** The body as text, or why it cannot be a beacon (checked on bytes, before any thread hop). */
export function decodeBeaconBody(body: Buffer): string | IntakeOutcome {
  if (body.length === 0) return invalid("body: empty");
  if (!isUtf8(body)) return invalid("body: not valid UTF-8");
  return body.toString("utf8");
}

/** The intake in the calling thread, writing to `store` through a batch writer. */
export function createBeaconIntake(options: BeaconIntakeOptions): BeaconIntake {
  const writer = createBatchWriter({ store: options.store, maxEvents: options.maxBatchEvents, maxDelayMs: options.maxBatchDelayMs, maxQueuedEvents: options.maxQueuedEvents, onError: options.onError });
  const { routeRules } = options;
  return {
    submit(text, headers, done) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return done(invalid("body: not valid JSON"));
      }
      const check = validateRumBeacon(parsed);
      if (!check.ok) return done(invalid(check.error));
      const payload = check.payload;
      const where = normalizeRoute(payload.url, routeRules);
      if (where === null) return done(invalid("url: not a valid http(s) URL"));
      const events = buildRumEvents(payload, where, classifyDevice(headers, payload.device), Date.now());
      if (!writer.enqueue(events, (committed) => done(committed ? STORED : WRITE_FAILED))) done(BUSY);
    },
    hasRoom: () => writer.hasRoom(1),
    isUp: () => true,
    drain: () => writer.drain(),
    stats: () => writer.stats(),
  };
}
