// Test server for the memory-leak skill: node memory-server.mjs <port> <leak|stable>.
// Both modes build a ~20 KB result per request and keep the last 256 in a ring (a recent-
// results cache of fixed size), so results live long enough to reach the old generation and
// major GCs run every second or so, while the live set stays the same size: a healthy
// sawtooth. "leak" also keeps ~1 KB per request forever (an array of 128 numbers).
import { createServer } from "node:http";

const [port = "0", mode = "stable"] = process.argv.slice(2);
const RING = 256;
const recent = new Array(RING).fill(null);
const kept = [];
let served = 0;

const server = createServer((req, res) => {
  const id = served++;
  const rows = [];
  for (let i = 0; i < 160; i++) rows.push({ id: id + i, name: `row-${i}-${"v".repeat(40)}`, tags: [`t${i % 7}`] });
  recent[id % RING] = rows;
  if (mode === "leak") kept.push(new Array(128).fill(id));
  res.end(JSON.stringify({ rows: rows.length, served }));
});

server.listen(Number(port), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
