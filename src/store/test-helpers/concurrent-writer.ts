/**
 * A separate process that saves runs into a history file, so the SQLite test can have two
 * real processes write the same file at once. Usage: concurrent-writer.ts <file> <count> <tag>
 */
import { openHistoryStore } from "../history-store.js";
import { makeCompletedResult, makeErroredResult, makeRun } from "./bench-runs.js";

const [file, countText, tag] = process.argv.slice(2);
if (!file || !countText || !tag) throw new Error("usage: concurrent-writer.ts <file> <count> <tag>");
const store = await openHistoryStore(file);
for (let i = 0; i < Number(countText); i++) {
  const startedAt = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
  await store.saveRun(makeRun({ label: `${tag}-${i}`, startedAt, results: [makeCompletedResult("parse", 1000 + i), makeErroredResult("cli", `${tag} failed ${i}`)] }));
}
await store.close();
