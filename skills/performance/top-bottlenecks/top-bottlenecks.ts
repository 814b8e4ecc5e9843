// top-bottlenecks: CPU-profile a command and print its heaviest functions by self time,
// each with its share of busy time (95% CI) and file:line. The profile and flame graph stay
// in the run folder; only the ranking is printed.
declare const args: { command: string | string[]; duration?: number | string; sampleRate: number; top: number };

const run = await perf.profile({ target: args.command, sampleRate: args.sampleRate, ...(args.duration !== undefined ? { duration: args.duration } : {}) });
const info = run.analysis.profile;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const where = (b: { file: string | null; line: number | null; kind: string }): string => (b.file ? `${b.file.replace(/^file:\/\//, "")}:${b.line ?? "?"}` : `(${b.kind})`);

const top = run.bottlenecks.slice(0, args.top);
const busy = info.busyMs === null ? "" : `, ${(info.busyMs / 1000).toFixed(2)} s busy`;
console.log(`Top ${top.length} bottlenecks by self time (${info.samples} samples${busy}):`);
for (const b of top) {
  const ms = b.selfMs === null ? "" : ` ${b.selfMs.toFixed(0)} ms,`;
  console.log(`  ${b.rank}. ${b.function} —${ms} ${pct(b.selfShare)} [95% CI ${pct(b.selfShareCi[0])}–${pct(b.selfShareCi[1])}] — ${where(b)}`);
}
if (top[0]) console.log(`Start with ${top[0].function} (${where(top[0])}): ${pct(top[0].selfShare)} of busy time in its own code.`);
if (run.exitCode !== null && run.exitCode !== 0) console.log(`Note: the command exited with code ${run.exitCode}.`);
if (run.partial) console.log(`Note: partial profile (${run.partial}).`);
const flame = run.files.find((f: string) => f.endsWith(".html"));
if (flame) console.log(`Flame graph: ${flame}`);
