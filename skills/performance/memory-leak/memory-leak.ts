// memory-leak: start a server command, drive HTTP load at it while watching its memory, and
// print the leak verdict: the trend of the post-GC heap floor (Mann–Kendall, Theil–Sen
// slope with a 95% CI) per minute and per request. The series stays in the run folder.
declare const args: { command: string | string[]; load: string; duration: number | string; interval: number | string; requestsPerSecond?: number; concurrency: number };

const series = await perf.watchMemory({
  target: args.command,
  duration: args.duration,
  interval: args.interval,
  load: { target: args.load, concurrency: args.concurrency, workers: 1, ...(args.requestsPerSecond ? { requestsPerSecond: args.requestsPerSecond } : {}) },
});
const v = perf.detectLeak(series);
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(2)} MB`;
const perMin = (bytes: number): string => `${bytes >= 0 ? "+" : ""}${mb(bytes)}/min`;
const headline = v.state === "leak" ? "LEAK" : v.state === "no-leak" ? "NO LEAK" : "NOT ENOUGH DATA";
const requests = series.load?.requests ?? null;
console.log(`${headline}: ${series.command ?? `pid ${series.pid}`} watched ${(v.durationMs / 1000).toFixed(0)} s, ${series.samples.length} samples${requests === null ? "" : `, ${requests} requests`}.`);
console.log(`  heap floor ${perMin(v.slopePerMinute)} [95% CI ${perMin(v.slopeCi.low)} to ${perMin(v.slopeCi.high)}], Mann–Kendall p = ${v.mannKendall.pValue.toPrecision(2)} over ${v.points} lows`);
if (v.perRequest !== null) console.log(`  ≈ ${v.perRequest.toFixed(0)} B retained per request`);
console.log(`  basis: ${v.basis}`);
// The reason's first sentence says why; its numbers are already printed above.
if (v.state !== "leak") console.log(`  why: ${v.reason.split(/(?<=\.) /)[0]}`);
if (series.ended) console.log(`  the target ended early: ${series.ended.reason}`);
const heap = series.samples.map((s: { heapUsed: number | null }) => s.heapUsed).filter((h: number | null): h is number => h !== null);
if (heap.length > 0) console.log(`  heapUsed ranged ${mb(Math.min(...heap))}–${mb(Math.max(...heap))}; series: ${series.files[0]}`);
