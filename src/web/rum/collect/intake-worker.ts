/**
 * The collector's intake worker thread: opens the store, and runs every body the HTTP thread
 * hands it through the beacon intake (parse, validate, route, batch, commit). Outcomes go
 * back in one message per written batch, committed or failed (and one per handed-over batch
 * for the bodies refused at once).
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { openRumStore } from "../open-rum-store.js";
import type { RumStore } from "../model.js";
import { createBeaconIntake, type IntakeOutcome } from "./beacon-intake.js";
import { encodeOutcome, serializeError, type FromIntakeWorker, type IntakeWorkerData, type OutcomeCode, type ToIntakeWorker } from "./intake-protocol.js";

const NO_HEADERS = {};

function serveIntake(port: MessagePort, data: IntakeWorkerData, store: RumStore): void {
  const post = (message: FromIntakeWorker): void => port.postMessage(message);
  const intake = createBeaconIntake({
    store,
    routeRules: data.routeRules,
    maxBatchEvents: data.maxBatchEvents,
    maxBatchDelayMs: data.maxBatchDelayMs,
    maxQueuedEvents: data.maxQueuedEvents,
    onError: (error) => post({ type: "error", error: serializeError(error) }),
  });
  let replyIds: number[] = [];
  let replyOutcomes: OutcomeCode[] = [];
  let replyScheduled = false;

  const sendReplies = (): void => {
    replyScheduled = false;
    if (replyIds.length === 0) return;
    post({ type: "outcomes", ids: replyIds, outcomes: replyOutcomes, stats: intake.stats() });
    replyIds = [];
    replyOutcomes = [];
  };

  const reply = (id: number, outcome: IntakeOutcome): void => {
    replyIds.push(id);
    replyOutcomes.push(encodeOutcome(outcome));
    if (!replyScheduled) {
      replyScheduled = true;
      // A microtask, not setImmediate: it runs once the whole batch is settled but before the
      // next batch is written, which otherwise delayed every answer by one write (~10% of the rate).
      queueMicrotask(sendReplies);
    }
  };

  port.on("message", (message: ToIntakeWorker) => {
    switch (message.type) {
      case "beacons": {
        const { ids, bodies, hints } = message;
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i] as number;
          intake.submit(bodies[i] as string, hints[i] ?? NO_HEADERS, (outcome) => reply(id, outcome));
        }
        return;
      }
      case "drain":
        void intake.drain().then(() => {
          sendReplies();
          post({ type: "drained", token: message.token, stats: intake.stats() });
        });
        return;
      case "close":
        void intake
          .drain()
          .then(() => store.close())
          .catch((error: unknown) => post({ type: "error", error: serializeError(error) }))
          .finally(() => {
            sendReplies();
            post({ type: "closed", stats: intake.stats() });
            port.close();
          });
        return;
    }
  });
  post({ type: "ready" });
}

async function main(port: MessagePort, data: IntakeWorkerData): Promise<void> {
  let store: RumStore;
  try {
    store = await openRumStore(data.store, data.durability ? { durability: data.durability } : {});
  } catch (error) {
    port.postMessage({ type: "open-failed", error: serializeError(error) } satisfies FromIntakeWorker);
    port.close();
    return;
  }
  serveIntake(port, data, store);
}

if (parentPort === null) throw new Error("intake-worker runs as a worker thread of the RUM collector");
await main(parentPort, workerData as IntakeWorkerData);
