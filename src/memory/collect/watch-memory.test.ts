import { afterEach, describe, expect, it } from "vitest";
import { pidExists } from "../../profile/collect/child-process.js";
import { listListeningPorts } from "../../profile/collect/inspector-port.js";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import type { MemorySample } from "../model.js";
import { httpServer, killTargets, memoryTarget, startMemoryTarget, uniqueTag } from "./test-helpers/targets.js";
import { watchMemory, type WatchMemoryProgress } from "./watch-memory.js";
import { reservePort } from "../../test-helpers/reserve-port.js";

afterEach(killTargets);
const MB = 1024 * 1024;

function pidOf(progress: WatchMemoryProgress[], series: { pid: number }): number {
  expect(progress.length).toBeGreaterThan(0);
  return series.pid;
}

describe("watchMemory", () => {
  it("starts a Node program that holds memory: RSS and heap grow, and it is stopped at the end", async () => {
    const progress: WatchMemoryProgress[] = [];
    const series = await watchMemory({ target: ["node", memoryTarget, "hold", "60000"], duration: "2.5s", interval: "250ms", onProgress: (p) => progress.push(p) });
    const s = series.samples;
    expect(s.length).toBeGreaterThanOrEqual(8);
    expect(s.length).toBeLessThanOrEqual(11);
    expect(progress).toHaveLength(s.length);
    // ~1 MB retained every 50 ms: tens of MB between the first and last samples.
    expect(s.at(-1)!.heapUsed! - s[0]!.heapUsed!).toBeGreaterThan(20 * MB);
    expect(s.at(-1)!.rss - s[0]!.rss).toBeGreaterThan(20 * MB);
    for (let i = 1; i < s.length; i++) expect(s[i]!.at).toBeGreaterThan(s[i - 1]!.at);
    expect(s.every((x) => x.heapTotal! >= x.heapUsed! && x.external !== null && x.requests === null)).toBe(true);
    expect(series.ended).toBeNull();
    expect(series.intervalMs).toBe(250);
    expect(series.endedAt - series.startedAt).toBeGreaterThanOrEqual(2400);
    expect(series.command).toBe(`node ${memoryTarget} hold 60000`);
    expect(pidExists(pidOf(progress, series))).toBe(false);
  });

  it("marks samples taken after a major GC in a churning program", async () => {
    const series = await watchMemory({ target: `node ${memoryTarget} churn 60000`, duration: 2, interval: 0.2 });
    const afterGc = series.samples.filter((x) => x.afterGc);
    expect(afterGc.length).toBeGreaterThan(0);
    expect(afterGc.length).toBeLessThan(series.samples.length);
    for (const x of afterGc) expect(x.heapAfterGc!).toBeGreaterThan(0);
    expect(series.samples.filter((x) => !x.afterGc).every((x) => x.heapAfterGc === null)).toBe(true);
  });

  it("attached to a pid that exits mid-watch: keeps the series and says when it ended", async () => {
    const target = await startMemoryTarget("idle", 1200);
    const t0 = Date.now();
    const series = await watchMemory({ target: { pid: target.pid! }, duration: 10, interval: 0.2 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(series.ended).not.toBeNull();
    expect(series.ended!.reason).toMatch(new RegExp(`pid ${target.pid} exited`));
    expect(series.samples.length).toBeGreaterThanOrEqual(3);
    expect(series.samples.every((x: MemorySample) => x.at <= series.ended!.at)).toBe(true);
    expect(series.samples[0]!.heapUsed).not.toBeNull();
  });

  it("attaches by process name and leaves the process running with its inspector closed", async () => {
    const tag = uniqueTag();
    const target = await startMemoryTarget("hold", 30_000, { tag });
    const portsBefore = listListeningPorts(target.pid!);
    const series = await watchMemory({ target: { process: tag }, duration: 1, interval: 0.25 });
    expect(series.pid).toBe(target.pid);
    expect(series.ended).toBeNull();
    expect(series.samples.at(-1)!.heapUsed! - series.samples[0]!.heapUsed!).toBeGreaterThan(8 * MB);
    expect(target.exitCode).toBeNull();
    expect(pidExists(target.pid!)).toBe(true);
    expect(listListeningPorts(target.pid!)).toEqual(portsBefore);
  });

  it("a started command that exits with a code: ended says so", async () => {
    const series = await watchMemory({ target: ["node", memoryTarget, "idle", "800"], env: { ...process.env, EXIT_CODE: "3" }, duration: 10, interval: 0.2 });
    expect(series.ended?.reason).toMatch(/exited with code 3/);
    expect(series.samples.length).toBeGreaterThanOrEqual(2);
    expect(series.endedAt - series.startedAt).toBeLessThan(5000);
  });

  it("watches a non-Node command by RSS only, with a note", async () => {
    const series = await watchMemory({ target: "sleep 30", duration: 0.6, interval: 0.2 });
    expect(series.samples.length).toBeGreaterThanOrEqual(3);
    expect(series.samples.every((x) => x.rss > 0 && x.heapUsed === null && !x.afterGc)).toBe(true);
    expect(series.notes.join(" ")).toMatch(/not a Node\.js command \(sleep\)/);
    expect(pidExists(series.pid)).toBe(false);
  });

  it("returns the partial series when aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("user pressed Ctrl-C"), 1200);
    const series = await watchMemory({ target: ["node", memoryTarget, "idle", "60000"], duration: 20, interval: 0.2, signal: controller.signal });
    expect(series.samples.length).toBeGreaterThanOrEqual(3);
    expect(series.endedAt - series.startedAt).toBeLessThan(5000);
    expect(series.notes.join(" ")).toMatch(/interrupted: user pressed Ctrl-C after .*partial/);
    expect(pidExists(series.pid)).toBe(false);
  });

  it("under load: records completed requests rising across samples", async () => {
    const port = await reservePort();
    const url = `http://127.0.0.1:${port}/`;
    const series = await watchMemory({
      target: ["node", httpServer, String(port), "leak"],
      duration: 4,
      interval: 0.5,
      load: { target: url, concurrency: 4, workers: 1 },
    });
    const requests = series.samples.map((x) => x.requests!);
    expect(requests.every((r) => typeof r === "number")).toBe(true);
    for (let i = 1; i < requests.length; i++) expect(requests[i]!).toBeGreaterThanOrEqual(requests[i - 1]!);
    expect(requests.at(-1)!).toBeGreaterThan(requests[0]!);
    expect(new Set(requests).size).toBeGreaterThanOrEqual(3);
    expect(series.load?.target).toBe(url);
    expect(series.load!.requests).toBeGreaterThanOrEqual(requests.at(-1)!);
    expect(series.load!.throughput).toBeGreaterThan(0);
  });

  it("rejects a bad interval before starting anything", async () => {
    const error = await catchPerfError(watchMemory({ target: "sleep 30", duration: 1, interval: "1ms" }));
    expect(error.code).toBe("USAGE");
  });
});
