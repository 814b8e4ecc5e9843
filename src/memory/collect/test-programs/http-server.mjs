// A small HTTP server for watching memory under load: answers every request with "ok" and,
// with "leak", keeps ~1 KB per request forever. Usage: node http-server.mjs <port> [leak] [lifetimeMs]
import { createServer } from "node:http";

const [port = "0", mode = "steady", lifetime = "60000"] = process.argv.slice(2);
const kept = [];
let handled = 0;
const server = createServer((req, res) => {
  handled++;
  // An array of 128 numbers: ~1 KB of V8 heap that no GC can free (strings would be shared or sliced).
  if (mode === "leak") kept.push(new Array(128).fill(handled));
  res.end("ok\n");
});
server.listen(Number(port), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
setTimeout(() => server.close(), Number(lifetime)).unref();
