/**
 * The leak verdict on real processes under real HTTP load (perfscope's own load engine):
 * (a) a server leaking ~1 KB per request, (b) a healthy server with a large GC sawtooth,
 * (c) a process that fills a cache to a cap and then holds. All three run at once (two
 * cores: one load generator worker each for a and b) for ~50 s; memory comes from each
 * program's own reporter (test-programs/memory-reporter.ts), every 100 ms and after each
 * major GC, never forcing a GC. Alongside, a second leaking server is watched from outside
 * by memory/collect/watch-memory.ts (inspector + /proc, with its own load).
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoadTest } from "../../load/run-load-test.js";
import { watchMemory } from "../collect/watch-memory.js";
import type { LoadResult } from "../../load/model.js";
import type { LeakVerdict, MemorySeries } from "../model.js";
import { startMemoryTarget, type MemoryTarget } from "../test-programs/start-memory-target.js";
import { applyNaiveGrowthRule, detectLeak } from "./leak-verdict.js";
import { reservePort } from "../../test-helpers/reserve-port.js";

const LOAD_SECONDS = 50;
// A heap cap as a service in a container has one. Without it V8 may run a single major GC in
// a minute of leaking at this rate, and then the honest verdict is "not enough data" (seen in CI).
const SERVICE_HEAP = "--max-old-space-size=64";
const targets: MemoryTarget[] = [];
let leaking: MemoryTarget;
let sawtooth: MemoryTarget;
let plateau: MemoryTarget;
let loadStart = 0;
let loads: LoadResult[] = [];
let watched: MemorySeries;

/** The leaking server started and sampled by watchMemory, loaded at the same rate. */
async function watchLeakingServer(): Promise<MemorySeries> {
  const port = await reservePort();
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const program = fileURLToPath(new URL("../test-programs/leaking-server.ts", import.meta.url));
  return watchMemory({
    target: [process.execPath, SERVICE_HEAP, "--import", tsx, program, `--port=${port}`],
    duration: LOAD_SECONDS + 5,
    interval: "200ms",
    load: { target: `http://127.0.0.1:${port}/`, requestsPerSecond: 300, concurrency: 8, workers: 1 },
  });
}

beforeAll(async () => {
  [leaking, sawtooth, plateau] = await Promise.all([startMemoryTarget("leaking-server", 100, [], [SERVICE_HEAP]), startMemoryTarget("sawtooth-server"), startMemoryTarget("plateau-cache")]);
  targets.push(leaking, sawtooth, plateau);
  loadStart = Date.now();
  const watching = watchLeakingServer();
  loads = await Promise.all([
    runLoadTest({ target: leaking.url!, requestsPerSecond: 300, duration: LOAD_SECONDS, concurrency: 8, workers: 1 }),
    runLoadTest({ target: sawtooth.url!, requestsPerSecond: 200, duration: LOAD_SECONDS, concurrency: 16, workers: 1 }),
  ]);
  watched = await watching;
}, 120_000);

afterAll(async () => {
  await Promise.all(targets.map((t) => t.stop()));
});

/** The series as a live monitor would have had it `seconds` after the load started. */
function prefix(series: MemorySeries, seconds: number): MemorySeries {
  const until = loadStart + seconds * 1000;
  const samples = series.samples.filter((s) => s.at <= until);
  return { ...series, samples, endedAt: samples[samples.length - 1]?.at ?? series.startedAt };
}

function describeVerdict(name: string, v: LeakVerdict): string {
  return `${name}: ${v.state} — ${v.reason}`;
}

describe("leak verdict on real processes", () => {
  it("the load really ran", () => {
    for (const load of loads) {
      expect(load.requests.errors).toBe(0);
      expect(load.requests.completed).toBeGreaterThan(LOAD_SECONDS * 150);
    }
  });

  it("(a) flags the server leaking ~1 KB per request within 60 s of load", () => {
    const series = leaking.series(loadStart);
    let detectedAt: number | null = null;
    for (let s = 1; s <= LOAD_SECONDS + 1 && detectedAt === null; s++) if (detectLeak(prefix(series, s)).state === "leak") detectedAt = s;
    const v = detectLeak(series);
    console.log(`time to detection: ${detectedAt} s of load\n${describeVerdict("(a)", v)}`);
    expect(detectedAt).not.toBeNull();
    expect(detectedAt!).toBeLessThanOrEqual(60);
    expect(v.state).toBe("leak");
    // ~1 KB string + its array slot per request; the lows also carry noise.
    expect(v.perRequest).toBeGreaterThan(600);
    expect(v.perRequest).toBeLessThan(2500);
    // 300 requests/s × ~1 KB ≈ 18 MB/min.
    expect(v.slopeCi.low).toBeGreaterThan(5 * 1024 * 1024);
    expect(applyNaiveGrowthRule(leaking.series()).flagged).toBe(true);
  });

  it("(b) does not flag the healthy sawtooth server, which the naive 20% rule does flag", () => {
    const series = sawtooth.series(loadStart);
    const v = detectLeak(series);
    const heap = series.samples.map((s) => s.heapUsed!);
    console.log(`${describeVerdict("(b)", v)}\nheapUsed under load ${(Math.min(...heap) / 2 ** 20).toFixed(1)}–${(Math.max(...heap) / 2 ** 20).toFixed(1)} MB`);
    expect(v.state).not.toBe("leak");
    // A real sawtooth: the heap under load swings by more than 20 MB.
    expect(Math.max(...heap) - Math.min(...heap)).toBeGreaterThan(20 * 2 ** 20);
    // The brief's rule on the series as sampled (from before the load): the first sample is
    // the idle heap, any later one is above it by far more than 20%.
    const naive = applyNaiveGrowthRule(sawtooth.series());
    expect(naive.flagged).toBe(true);
    // And started at any sample under load instead, it is a lottery on the sawtooth's phase.
    const starts = series.samples.filter((s) => s.at >= loadStart + 5000);
    const flagged = starts.filter((s) => applyNaiveGrowthRule({ ...series, samples: series.samples.filter((x) => x.at >= s.at) }).flagged).length;
    console.log(`(b) naive rule: ${(naive.growth * 100).toFixed(0)}% growth from the idle start; flags ${flagged} of ${starts.length} later start points`);
  });

  it("(c) does not flag the cache that fills to its cap and then holds", () => {
    const series = plateau.series();
    const v = detectLeak(series);
    console.log(describeVerdict("(c)", v));
    expect(v.state).not.toBe("leak");
    // It did grow: the cache holds ~30 MB, so the naive rule calls it a leak.
    expect(applyNaiveGrowthRule(series).flagged).toBe(true);
  });

  it("watchMemory's series of the leaking server: a rising floor, flagged once major GCs confirm it", () => {
    const v = detectLeak(watched);
    const marks = watched.samples.filter((s) => s.afterGc).length;
    console.log(`watchMemory (${watched.samples.length} samples, ${marks} major GCs marked): ${describeVerdict("(a')", v)}`);
    expect(watched.load?.requests).toBeGreaterThan(LOAD_SECONDS * 150);
    expect(v.mannKendall.pValue).toBeLessThan(0.01);
    expect(v.slopeCi.low).toBeGreaterThan(5 * 1024 * 1024);
    expect(v.perRequest).toBeGreaterThan(600);
    expect(v.perRequest).toBeLessThan(2500);
    // watchMemory never forces a GC: until a major GC in the later half (and one before it)
    // confirms that the rise is not old-generation garbage, the verdict waits; then it is a leak.
    expect(v.state).not.toBe("no-leak");
    // A major GC well inside the later half (the analyzer's half starts near the middle).
    const first = watched.samples[0]!.at;
    const span = watched.samples[watched.samples.length - 1]!.at - first;
    const confirmable = marks >= 2 && watched.samples.some((s) => s.afterGc && s.at >= first + 0.6 * span);
    if (confirmable) expect(v.state).toBe("leak");
    if (v.state !== "leak") expect(v.reason).toMatch(/^Not enough data: the floor rises, but .*major GC/);
  });
});
