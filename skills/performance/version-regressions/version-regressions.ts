// version-regressions: benchmark git versions of the server's repository side by side and
// print only the changes that are real: slower or faster outside the noise band, with the
// ratio's 95% CI and the p-value. Every sample stays in the run folder (versions/).
declare const args: { versions: string[]; tests?: string[]; processes?: number; timeMs?: number };

const r = await perf.benchmarkVersions({
  versions: args.versions,
  ...(args.tests ? { filter: args.tests } : {}),
  ...(args.processes ? { processes: args.processes } : {}),
  ...(args.timeMs ? { timeMs: args.timeMs } : {}),
});
const x = (n: number): string => `${n.toFixed(2)}×`;
const describe = (c: { name: string; ratio: number; ratioCi: { low: number; high: number }; pValue: number }, from: string, to: string, word: string): string =>
  `  ${c.name}: ${from} → ${to} ${x(c.ratio)} ${word} [95% CI ${x(c.ratioCi.low)}–${x(c.ratioCi.high)}], p = ${c.pValue.toPrecision(2)}`;

for (const v of r.versions) if (v.state === "errored") console.log(`${v.ref}: not measured — ${v.error.message}`);
const slower: string[] = [];
const faster: string[] = [];
let compared = 0;
for (const step of r.steps) {
  for (const c of step.comparisons) {
    compared++;
    if (c.verdict === "slower") slower.push(describe(c, step.from, step.to, "slower"));
    if (c.verdict === "faster") faster.push(describe(c, step.from, step.to, "faster"));
  }
}
const chain = r.versions.filter((v: { state: string }) => v.state === "completed").map((v: { ref: string }) => v.ref).join(" → ");
if (slower.length > 0) console.log(`Regressions (${slower.length} of ${compared} comparisons, ${chain}):\n${slower.join("\n")}`);
else console.log(`No regressions across ${chain} (${compared} comparisons).`);
if (faster.length > 0) console.log(`Improvements:\n${faster.join("\n")}`);
const method = r.steps[0]?.comparisons[0]?.method;
if (method) console.log(`Method: ${method}`);

// The history the brief saves: per version, each benchmark's median and 95% CI (ns/op).
const fs = await import("node:fs/promises");
await fs.mkdir("benchmarks", { recursive: true });
const history = r.versions.map((v: { ref: string; state: string; run?: { results: { name: string; state: string; stats?: { median: number; medianCi: { low: number; high: number } } }[] } }) => ({
  version: v.ref,
  benchmarks: Object.fromEntries((v.run?.results ?? []).filter((b) => b.state === "completed").map((b) => [b.name, { medianNs: b.stats!.median, medianCi95: [b.stats!.medianCi.low, b.stats!.medianCi.high] }])),
}));
await fs.writeFile("benchmarks/performance-history.json", JSON.stringify(history, null, 2));
