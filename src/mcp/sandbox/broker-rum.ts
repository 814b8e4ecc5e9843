/**
 * Brokered `getRumData`: reads the RUM store the operator configured (never a store or
 * path the script names) and returns the library's report, page-view samples included:
 * they stay inside the sandbox unless the script prints them.
 */
import { PerfError } from "../../core/errors.js";
import { openRumStore } from "../../web/rum/open-rum-store.js";
import { getRumData } from "../../web/rum/query/get-rum-data.js";
import type { RumQuery } from "../../web/rum/query/rum-report.js";
import { denyCall } from "./policy.js";
import { isRecord, optionsOf, type BrokeredCall, type BrokerContext } from "./broker-types.js";

const MAX_SAMPLE_SIZE = 100_000;

function checkRumQuery(query: unknown): void {
  if (!isRecord(query)) throw new PerfError("USAGE", "getRumData needs a query object.", { hint: 'perf.getRumData({ metric: "core_web_vitals", timeRange: "24h", sampleSize: 10000 })' });
  if ("store" in query) throw denyCall("choosing the RUM store", "Scripts read the store this server was started with (--rum-store); leave `store` out.");
  if (query.sampleSize !== undefined && !(typeof query.sampleSize === "number" && query.sampleSize >= 1 && query.sampleSize <= MAX_SAMPLE_SIZE)) {
    throw new PerfError("USAGE", `sampleSize must be 1–${MAX_SAMPLE_SIZE}, got ${JSON.stringify(query.sampleSize)}.`);
  }
}

async function runRumQuery(query: unknown, ctx: BrokerContext): Promise<unknown> {
  const store = await openRumStore(ctx.services.rumStore, ctx.services.root === undefined ? {} : { cwd: ctx.services.root });
  try {
    return await getRumData(store, { metric: "core_web_vitals", ...optionsOf(query) } as RumQuery);
  } finally {
    await store.close();
  }
}

export const RUM_CALLS: readonly BrokeredCall[] = [{ name: "getRumData", check: (_policy, [query]) => checkRumQuery(query), run: ([query], ctx) => runRumQuery(query, ctx) }];
