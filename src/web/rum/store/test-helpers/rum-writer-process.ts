/**
 * A separate process writing RUM events into a SQLite file, so a test can have real processes
 * write and fold one file at once. Usage: rum-writer-process.ts <file> <batches> <tag>; each batch
 * holds 50 LCP events, 10 of them poor, received an hour before the suite's NOW; every 10th
 * batch is followed by a query (which folds).
 */
import { getRumData } from "../../query/get-rum-data.js";
import { openSqliteRumStore } from "../sqlite-rum-store.js";
import { makeRumEvent, RUM_TEST_NOW } from "./rum-events.js";

const [file, batchesText, tag] = process.argv.slice(2);
if (!file || !batchesText || !tag) throw new Error("usage: rum-writer-process.ts <file> <batches> <tag>");
const store = await openSqliteRumStore(file);
for (let b = 0; b < Number(batchesText); b++) {
  await store.insertEvents(Array.from({ length: 50 }, (_, i) => makeRumEvent({ metric: "LCP", value: i < 10 ? 6000 : 1800, route: `/r${i % 3}`, ts: RUM_TEST_NOW - 3_600_000 + b, pageId: `${tag}-${b}-${i}` })));
  if (b % 10 === 9) await getRumData(store, { metric: "LCP", now: RUM_TEST_NOW });
}
await store.close();
