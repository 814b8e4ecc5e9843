// A CPU-bound program with a planted hotspot: plantedHotspot() does about 4/5 of the
// work and coolerNeighbour() about 1/5, so a profile must rank plantedHotspot first.
// Usage: node hotspot.mjs [runMs=1500] [exitCode=0]
import { performance } from "node:perf_hooks";
const runMs = Number(process.argv[2] ?? 1500);
const exitCode = Number(process.argv[3] ?? 0);

function plantedHotspot(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i);
  return x;
}

function coolerNeighbour(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.cos(i) / (i + 1);
  return x;
}

const start = performance.now();
let sink = 0;
while (performance.now() - start < runMs) {
  sink += plantedHotspot(40_000);
  sink += coolerNeighbour(10_000);
}
console.log(`hotspot done sink=${Number.isFinite(sink)} elapsed-ms=${(performance.now() - start).toFixed(1)}`);
process.exitCode = exitCode;
