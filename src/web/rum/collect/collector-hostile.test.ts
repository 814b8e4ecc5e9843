import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRumCollector, type RumCollector } from "./collector.js";
import { postBeacon, openTempStore, readStoredRows, send, type TempStore } from "./test-helpers/collector-kit.js";
import { controlBeacon, generateHostileRequests } from "./test-helpers/hostile-payloads.js";

const COUNT = 10_000;
const MAX_BODY = 16 * 1024;
const CONCURRENCY = 32;

describe.each([
  ["in the HTTP thread", false],
  ["in its intake thread", true],
])("startRumCollector under hostile input, checking beacons %s", (_, threaded) => {
  let temp: TempStore;
  let collector: RumCollector;

  beforeAll(async () => {
    temp = await openTempStore();
    // A limit high enough that no 429 can stand in for the validation under test.
    collector = await startRumCollector({ store: threaded ? temp.file : temp.store, maxBodyBytes: MAX_BODY, rateLimit: { perIpPerSecond: 1e6, burst: 1e6 } });
  });
  afterAll(async () => {
    await collector.close();
    await temp.cleanup();
  });

  it(`answers ${COUNT} malformed or hostile requests with a 4xx each, stores nothing, and stays up`, async () => {
    const requests = generateHostileRequests(20261126, COUNT, MAX_BODY);
    const byStatus = new Map<number, number>();
    const wrong: string[] = [];
    let next = 0;
    async function worker(): Promise<void> {
      while (next < requests.length) {
        const r = requests[next++]!;
        let status: number;
        try {
          status = (await send(collector.url + "/rum", { method: r.method, body: r.body, headers: r.headers })).status;
        } catch (error) {
          wrong.push(`${r.kind}: no answer (${(error as Error).message})`);
          continue;
        }
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        if (status < 400 || status >= 500) wrong.push(`${r.kind}: ${status} for ${String(r.body).slice(0, 120)}`);
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(wrong.slice(0, 20)).toEqual([]);
    const answered = [...byStatus.values()].reduce((a, b) => a + b, 0);
    expect(answered).toBe(COUNT);
    // Validation did the rejecting, not the rate limit.
    expect((byStatus.get(400) ?? 0) + (byStatus.get(413) ?? 0)).toBeGreaterThan(COUNT * 0.85);
    expect(byStatus.get(429)).toBeUndefined();
    expect(readStoredRows(temp.file)).toHaveLength(0);
    expect(collector.stats().accepted).toBe(0);
    // No key from the wire reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();

    const health = await send(collector.url + "/healthz");
    expect(health.status).toBe(200);
    // And it still takes a good beacon afterwards.
    expect((await postBeacon(collector.url + "/rum", controlBeacon())).status).toBe(204);
    expect(readStoredRows(temp.file)).toHaveLength(4);
  });
});
