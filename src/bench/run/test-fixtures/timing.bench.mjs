// Benchmarks of known cost for the runner tests.
import { bench } from "perfscope";

function busyWaitNs(ns) {
  const end = process.hrtime.bigint() + BigInt(ns);
  let spins = 0;
  while (process.hrtime.bigint() < end) spins++;
  return spins;
}

// Mutable, so the compiler cannot fold the math below into a constant.
let seed = 12345.678;
export function setSeed(value) {
  seed = value;
}

bench("busy 50us", () => busyWaitNs(50_000));

bench("async busy 20us", async () => {
  await Promise.resolve();
  return busyWaitNs(20_000);
});

bench("empty", () => {});

// Pure math whose result is only returned: without a sink, V8 drops it (measured ~1.4 ns
// discarded against ~27 ns kept on this machine).
bench("pure math", () => Math.sqrt(seed) * Math.log(seed) + Math.sin(seed));
