// CPU-bound workload for bench/profiler-overhead.mjs: a fixed amount of mixed work (math,
// objects and Maps, strings and JSON, sorting, recursion) so run time, not work, varies.
// Prints its own time spent working as "workload-ms=<ms>" (wall) and "workload-cpu-ms=<ms>"
// (CPU of the whole process over the work, so a profiler's sampling thread counts too),
// both excluding node's start-up. CPU time is far less disturbed by other load on the machine.
// Usage: node profiler-overhead-workload.mjs [units=30]
import { performance } from "node:perf_hooks";
const units = Number(process.argv[2] ?? 30);

function mathKernel(n) {
  let x = 0;
  for (let i = 1; i < n; i++) x += Math.sqrt(i) * Math.sin(i) + Math.log(i);
  return x;
}

function objectsAndMaps(n) {
  const m = new Map();
  for (let i = 0; i < n; i++) {
    const key = `k${i % 5000}`;
    const entry = m.get(key) ?? { count: 0, sum: 0 };
    entry.count++;
    entry.sum += i;
    m.set(key, entry);
  }
  let total = 0;
  for (const v of m.values()) total += v.sum / v.count;
  return total;
}

function stringsAndJson(n) {
  let size = 0;
  for (let i = 0; i < n; i++) {
    const doc = { id: i, name: `item-${i}`, tags: ["a", "b", String(i % 7)], nested: { ok: i % 2 === 0 } };
    const text = JSON.stringify(doc);
    size += JSON.parse(text).name.replace(/item-/, "").length;
  }
  return size;
}

function sortNumbers(n) {
  const a = new Array(n);
  let seed = 42;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    a[i] = seed;
  }
  a.sort((x, y) => x - y);
  return a[n >> 1];
}

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const start = performance.now();
const cpuStart = process.cpuUsage();
let sink = 0;
for (let u = 0; u < units; u++) {
  sink += mathKernel(300_000);
  sink += objectsAndMaps(200_000);
  sink += stringsAndJson(25_000);
  sink += sortNumbers(60_000);
  sink += fib(22);
}
const elapsed = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
console.log(`workload-ms=${elapsed.toFixed(2)} workload-cpu-ms=${((cpu.user + cpu.system) / 1000).toFixed(2)} sink=${Number.isFinite(sink)}`);
