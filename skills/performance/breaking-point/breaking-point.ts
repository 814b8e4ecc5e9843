// breaking-point: load a local HTTP service at increasing levels and print where it breaks:
// the last level that held (with its throughput, the knee) and what broke at the next one.
// Every level's full load result stays in the run folder (breaking-point/).
declare const args: { target: string; levels: number[]; kind: "concurrency" | "rate"; levelDuration: number | string; latencyLimitMs?: number; errorRateLimit?: number };

const bp = await perf.findBreakingPointForTarget({ target: args.target, duration: args.levelDuration, workers: 1 }, args.levels, args.kind, {
  ...(args.latencyLimitMs !== undefined ? { latencyLimitMs: args.latencyLimitMs } : {}),
  ...(args.errorRateLimit !== undefined ? { errorRateLimit: args.errorRateLimit } : {}),
});
const unit = args.kind === "rate" ? "req/s offered" : "connections";
const row = (l: { level: number; throughput: number; p50: number; p95: number; errorRate: number }): string =>
  `${l.level} ${unit}: ${l.throughput.toFixed(0)} req/s, p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, errors ${(l.errorRate * 100).toFixed(2)}%`;

const good = bp.levels.find((l: { level: number }) => l.level === bp.lastGoodLevel);
const broke = bp.levels.find((l: { level: number }) => l.level === bp.breakingLevel);
if (broke) {
  console.log(`Breaking point: ${bp.breakingLevel} ${unit}${good ? `; the knee is at ${bp.lastGoodLevel} (${good.throughput.toFixed(0)} req/s)` : " (the first level already degraded)"}.`);
  console.log(`What broke: ${bp.reason}`);
  if (good) console.log(`  last good  ${row(good)}`);
  console.log(`  breaking   ${row(broke)}`);
} else if (bp.stopped) {
  console.log(`Stopped before a verdict: ${bp.stopped}`);
} else {
  const last = bp.levels[bp.levels.length - 1];
  console.log(`No breaking point up to ${args.levels[args.levels.length - 1]} ${unit}${last ? `: ${row(last)}` : ""}.`);
}
console.log(`Per-level results: ${bp.files.join(", ")}`);
