import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import type { IntakeOutcome } from "./beacon-intake.js";
import { COLLECTOR_DEFAULTS } from "./collector-options.js";
import { makeBeacon, readStoredRows } from "./test-helpers/collector-kit.js";
import { startThreadedIntake, type ThreadedIntake } from "./threaded-intake.js";

const dirs: string[] = [];
const intakes: ThreadedIntake[] = [];
afterEach(async () => {
  for (const intake of intakes.splice(0)) await intake.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "perfscope-rum-thread-"));
  dirs.push(dir);
  return join(dir, "rum.sqlite");
}

async function start(store: string, errors: unknown[] = []): Promise<ThreadedIntake> {
  const intake = await startThreadedIntake(
    { store, durability: undefined, routeRules: undefined, maxBatchEvents: COLLECTOR_DEFAULTS.maxBatchEvents, maxBatchDelayMs: COLLECTOR_DEFAULTS.maxBatchDelayMs, maxQueuedEvents: COLLECTOR_DEFAULTS.maxQueuedEvents },
    (error) => errors.push(error),
  );
  intakes.push(intake);
  return intake;
}

function submit(intake: ThreadedIntake, text: string, headers: Record<string, string> = {}): Promise<IntakeOutcome> {
  return new Promise((resolve) => intake.submit(text, headers, resolve));
}

describe("startThreadedIntake", () => {
  it("parses, checks and commits beacons in its worker thread, with the device from the forwarded headers", async () => {
    const file = tempFile();
    const intake = await start(file);
    const good = makeBeacon({ device: undefined });
    const outcomes = await Promise.all([
      submit(intake, JSON.stringify(good), { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148" }),
      submit(intake, "{not json"),
      submit(intake, JSON.stringify({ ...good, pageId: "bad id!" })),
    ]);
    expect(outcomes[0]).toEqual({ kind: "stored" });
    expect(outcomes[1]).toEqual({ kind: "invalid", error: "body: not valid JSON" });
    expect(outcomes[2]).toMatchObject({ kind: "invalid", error: expect.stringMatching(/^pageId:/) });
    // Committed before it was answered: another connection already sees it.
    const rows = readStoredRows(file);
    expect(rows.map((r) => r.page_id)).toEqual(Array(4).fill(good.pageId));
    expect(new Set(rows.map((r) => r.device))).toEqual(new Set(["mobile"]));
    expect(intake.stats()).toMatchObject({ eventsWritten: 4, queuedEvents: 0 });
  });

  it("fails to start with the store's own error when the store cannot be opened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "perfscope-rum-thread-"));
    dirs.push(dir);
    mkdirSync(join(dir, "taken.sqlite"));
    const error = await start(join(dir, "taken.sqlite")).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).where?.file).toBe(join(dir, "taken.sqlite"));
    expect((error as PerfError).message).toMatch(/taken\.sqlite/);
  });

  it("answers 503 (never 204) and says it is down while its worker is gone, reports it, and takes beacons again after a restart", async () => {
    const file = tempFile();
    const errors: unknown[] = [];
    const intake = await start(file, errors);
    expect(await submit(intake, JSON.stringify(makeBeacon()))).toEqual({ kind: "stored" });
    expect(intake.isUp()).toBe(true);
    await intake.terminateWorker();
    expect(intake.hasRoom()).toBe(false);
    expect(intake.isUp()).toBe(false);
    expect(await submit(intake, JSON.stringify(makeBeacon()))).toEqual({ kind: "write-failed" });
    expect(String(errors[0])).toMatch(/intake thread stopped/);
    const deadline = Date.now() + 10_000;
    while (!intake.hasRoom() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(intake.isUp()).toBe(true);
    const after = makeBeacon();
    expect(await submit(intake, JSON.stringify(after))).toEqual({ kind: "stored" });
    expect(readStoredRows(file).filter((r) => r.page_id === after.pageId)).toHaveLength(4);
  });

  it("close() during a restart closes the new worker too, instead of leaving it running", async () => {
    const intake = await start(tempFile());
    await intake.terminateWorker();
    // The restart starts 1 s after the death; close while the new worker is coming up.
    await new Promise((r) => setTimeout(r, 1050));
    await intake.close();
    expect(intake.hasRoom()).toBe(false);
    await new Promise((r) => setTimeout(r, 1500));
    expect(intake.hasRoom()).toBe(false);
  });

  it("close() writes what it holds and closes the store", async () => {
    const file = tempFile();
    const intake = await start(file);
    const beacons = Array.from({ length: 50 }, () => makeBeacon());
    const answers = beacons.map((b) => submit(intake, JSON.stringify(b)));
    await intake.close();
    expect(new Set((await Promise.all(answers)).map((o) => o.kind))).toEqual(new Set(["stored"]));
    expect(readStoredRows(file)).toHaveLength(200);
    expect(intake.hasRoom()).toBe(false);
  });
});
