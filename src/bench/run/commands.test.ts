import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isPerfError } from "../../core/errors.js";
import type { BenchResult, CompletedBenchResult, ErroredBenchResult } from "../model.js";
import { runCommandBenchmarks, type CommandBenchProgress } from "./commands.js";

const MS = 1e6;
const dir = mkdtempSync(join(tmpdir(), "perfscope-commands-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function completed(result: BenchResult | undefined): CompletedBenchResult {
  if (result?.state !== "completed") throw new Error(`expected a completed result, got ${JSON.stringify(result)}`);
  return result;
}

function errored(result: BenchResult | undefined): ErroredBenchResult {
  if (result?.state !== "errored") throw new Error(`expected an errored result, got ${JSON.stringify(result)}`);
  return result;
}

describe("runCommandBenchmarks", () => {
  it("measures sleep 0.05 at about 50 ms, one fresh process per sample", async () => {
    const run = await runCommandBenchmarks({ commands: ["sleep 0.05"], warmup: 1, runs: 5, suite: "t" });
    const r = completed(run.results[0]);
    expect(r.kind).toBe("command");
    expect(r.name).toBe("sleep 0.05");
    expect(r.source).toBe("sleep 0.05");
    expect(r.samplesByProcess).toHaveLength(5);
    expect(r.samplesByProcess.every((p) => p.length === 1)).toBe(true);
    expect(r.stats.n).toBe(5);
    expect(r.stats.median).toBeGreaterThan(45 * MS);
    expect(r.stats.median).toBeLessThan(150 * MS);
    expect(r.shellOverheadNs).toBeGreaterThan(0);
    expect(r.method).toMatch(/sh -c ""/);
    expect(run.partial).toBeUndefined();
    expect(run.suite).toBe("t");
    expect(run.machine.cores).toBeGreaterThan(0);
  });

  it("orders sleep 0.02 below sleep 0.06, interleaving their runs", async () => {
    const events: CommandBenchProgress[] = [];
    const run = await runCommandBenchmarks({ commands: ["sleep 0.02", "sleep 0.06"], names: ["short", "long"], warmup: 1, runs: 4, onProgress: (e) => events.push(e) });
    const [short, long] = run.results.map(completed);
    expect(short?.name).toBe("short");
    expect(long!.stats.median - short!.stats.median).toBeGreaterThan(25 * MS);
    expect(long!.stats.median - short!.stats.median).toBeLessThan(80 * MS);
    const order = events.flatMap((e) => (e.phase === "run" ? [e.name] : []));
    expect(order).toEqual(["short", "long", "short", "long", "short", "long", "short", "long"]);
  });

  it("runs one command after the other when interleave is off", async () => {
    const events: CommandBenchProgress[] = [];
    await runCommandBenchmarks({ commands: ["true", "sleep 0"], warmup: 0, runs: 2, interleave: false, onProgress: (e) => events.push(e) });
    expect(events.flatMap((e) => (e.phase === "run" ? [e.name] : []))).toEqual(["true", "true", "sleep 0", "sleep 0"]);
  });

  it("keeps running until both minRuns and minTime are reached", async () => {
    const run = await runCommandBenchmarks({ commands: ["sleep 0.02"], warmup: 0, minRuns: 2, minTimeMs: "200ms", shell: false });
    const r = completed(run.results[0]);
    // Without a shell the samples are the raw run times: it stops at the first run that brings them to 200 ms.
    const times = r.samplesByProcess.map((p) => p[0]);
    const total = times.reduce((a, b) => a + b, 0);
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(total).toBeGreaterThanOrEqual(200 * MS);
    expect(total - times[times.length - 1]!).toBeLessThan(200 * MS);
    const withMax = await runCommandBenchmarks({ commands: ["sleep 0.02"], warmup: 0, minRuns: 2, maxRuns: 3, minTimeMs: 5000, shell: false });
    expect(completed(withMax.results[0]).stats.n).toBe(3);
  });

  it("gives one result per parameter value, with params recorded", async () => {
    const run = await runCommandBenchmarks({ commands: ["sleep {t}"], parameterScan: { name: "t", values: ["0.01", "0.04"] }, warmup: 0, runs: 3 });
    expect(run.results.map((r) => [r.name, r.params])).toEqual([
      ["sleep 0.01", { t: "0.01" }],
      ["sleep 0.04", { t: "0.04" }],
    ]);
    const [a, b] = run.results.map(completed);
    expect(b!.stats.median).toBeGreaterThan(a!.stats.median + 15 * MS);
  });

  it("runs setup once, prepare before every run (warmup included) and cleanup once, in that order", async () => {
    const log = join(dir, "hooks.log");
    const run = await runCommandBenchmarks({
      commands: [`echo run >> ${log}`],
      setup: `echo setup >> ${log}`,
      prepare: `echo prepare >> ${log}`,
      cleanup: `echo cleanup >> ${log}`,
      warmup: 2,
      runs: 3,
    });
    completed(run.results[0]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toEqual(["setup", ...Array.from({ length: 5 }, () => ["prepare", "run"]).flat(), "cleanup"]);
  });

  it("errors a failing command with its exit code and stderr while the other command completes", async () => {
    const run = await runCommandBenchmarks({ commands: ["echo boom-on-stderr >&2; exit 3", "sleep 0.01"], warmup: 1, runs: 3 });
    const failed = errored(run.results[0]);
    expect(failed.error.message).toMatch(/exited with code 3 on warmup run 1/);
    expect(failed.error.message).toMatch(/boom-on-stderr/);
    expect(failed.error.where).toBe("command: echo boom-on-stderr >&2; exit 3");
    expect(failed.error.hint).toMatch(/ignoreFailure/);
    expect(completed(run.results[1]).stats.n).toBe(3);
  });

  it("times failing runs anyway with ignoreFailure, and says so", async () => {
    const run = await runCommandBenchmarks({ commands: ["exit 1"], warmup: 0, runs: 3, ignoreFailure: true });
    expect(completed(run.results[0]).stats.warnings.join(" ")).toMatch(/3 of 3 runs exited non-zero/);
  });

  it("errors a command that does not exist with a hint, with and without a shell", async () => {
    const viaShell = errored((await runCommandBenchmarks({ commands: ["perfscope-no-such-program-xyz --flag"], warmup: 0, runs: 2 })).results[0]);
    expect(viaShell.error.message).toMatch(/not found.*127/);
    expect(viaShell.error.message).toMatch(/perfscope-no-such-program-xyz/);
    expect(viaShell.error.hint).toMatch(/PATH/);
    const direct = errored((await runCommandBenchmarks({ commands: ["perfscope-no-such-program-xyz --flag"], warmup: 0, runs: 2, shell: false })).results[0]);
    expect(direct.error.message).toMatch(/"perfscope-no-such-program-xyz" was not found/);
    expect(direct.error.hint).toMatch(/PATH/);
  });

  it("names the hook that failed", async () => {
    const run = await runCommandBenchmarks({ commands: ["true", "sleep 0"], prepare: "echo prep-failed >&2; exit 4", setup: "true", warmup: 0, runs: 2 });
    for (const r of run.results) {
      const e = errored(r);
      expect(e.error.message).toMatch(/the prepare hook exited with code 4 before run 1/);
      expect(e.error.message).toMatch(/prep-failed/);
      expect(e.error.where).toMatch(/^prepare hook: echo prep-failed/);
    }
    const setup = await runCommandBenchmarks({ commands: ["true"], setup: "exit 2", warmup: 0, runs: 2 });
    expect(errored(setup.results[0]).error.message).toMatch(/the setup hook exited with code 2/);
    const cleanup = await runCommandBenchmarks({ commands: ["true"], cleanup: "exit 5", warmup: 0, runs: 2 });
    expect(errored(cleanup.results[0]).error.where).toBe("cleanup hook: exit 5 (for true)");
  });

  it("subtracts the shell's spawn time, so `true` measures near zero", async () => {
    // The raw spawn of `sh -c ""` is the baseline; `true` (a shell builtin) adds almost nothing to it.
    // The baseline is calibrated once before the runs (as hyperfine does), so a burst of load
    // from parallel test files between the two can skew one attempt: up to three are made.
    let r = completed((await runCommandBenchmarks({ commands: ["true"], warmup: 2, runs: 20 })).results[0]);
    for (let attempt = 1; attempt < 3 && r.stats.median >= r.shellOverheadNs! * 0.5; attempt++) {
      r = completed((await runCommandBenchmarks({ commands: ["true"], warmup: 2, runs: 20 })).results[0]);
    }
    expect(r.shellOverheadNs).toBeGreaterThan(100_000);
    expect(r.stats.median).toBeLessThan(r.shellOverheadNs! * 0.5);
    expect(r.stats.warnings.join(" ")).toMatch(/less time than starting sh/);
    const direct = completed((await runCommandBenchmarks({ commands: ["sleep 0.01"], warmup: 1, runs: 3, shell: false })).results[0]);
    expect(direct.shellOverheadNs).toBeUndefined();
    expect(direct.method).toMatch(/without a shell/);
    expect(direct.stats.median).toBeGreaterThan(9 * MS);
  });

  it("returns what was measured, marked partial, when aborted", async () => {
    const controller = new AbortController();
    let runs = 0;
    const started = Date.now();
    const run = await runCommandBenchmarks({
      commands: ["sleep 0.02", "sleep 5"],
      interleave: false,
      warmup: 0,
      runs: 50,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === "run" && ++runs === 3) setTimeout(() => controller.abort(), 10);
      },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(run.partial).toBe(true);
    const first = completed(run.results[0]);
    expect(first.stats.n).toBeGreaterThanOrEqual(3);
    expect(first.stats.n).toBeLessThan(50);
    expect(errored(run.results[1]).error.message).toMatch(/interrupted/);

    // An abort in the middle of a long run kills it rather than waiting for it.
    const long = new AbortController();
    setTimeout(() => long.abort(), 300);
    const t0 = Date.now();
    const stopped = await runCommandBenchmarks({ commands: ["sleep 5"], warmup: 0, runs: 3, signal: long.signal });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(stopped.partial).toBe(true);
    expect(errored(stopped.results[0]).error.message).toMatch(/interrupted/);
  });

  it("runs commands in the given cwd with the given env (NODE_OPTIONS reaches the command, not the launcher)", async () => {
    const run = await runCommandBenchmarks({
      commands: [`test "$PERFSCOPE_T" = 42 && test "$(pwd)" = "${dir}" && test "$NODE_OPTIONS" = --no-such-flag`],
      env: { PERFSCOPE_T: "42", NODE_OPTIONS: "--no-such-flag" },
      cwd: dir,
      warmup: 0,
      runs: 2,
    });
    expect(completed(run.results[0]).stats.n).toBe(2);
  });

  it("rejects bad options before running anything", async () => {
    const usage = async (p: Promise<unknown>): Promise<string> => {
      const error: unknown = await p.then(() => null, (e: unknown) => e);
      if (isPerfError(error) && error.code === "USAGE") return error.message;
      throw new Error(`expected a USAGE error, got ${String(error)}`);
    };
    expect(await usage(runCommandBenchmarks({ commands: [] }))).toMatch(/no commands/);
    expect(await usage(runCommandBenchmarks({ commands: ["true"], names: ["a", "b"] }))).toMatch(/2 names for 1 commands/);
    expect(await usage(runCommandBenchmarks({ commands: ["true"], parameterScan: { name: "n", values: ["1"] } }))).toMatch(/\{n\}/);
    expect(await usage(runCommandBenchmarks({ commands: ["true"], minTimeMs: "3" }))).toMatch(/unit/);
    expect(await usage(runCommandBenchmarks({ commands: ["true"], cwd: join(dir, "missing") }))).toMatch(/does not exist/);
  });
});
