/**
 * The behaviour every history store must have, written once and run against each engine
 * (real SQLite files, a real PostgreSQL server) so the two cannot drift apart.
 */
import { describe, expect, it } from "vitest";
import type { ErrorLocation } from "../../core/errors.js";
import { PerfError } from "../../core/errors.js";
import type { HistoryStore } from "../history-store.js";
import type { SqlDialect, SqlRow, SqlValue } from "../sql-driver.js";
import { makeCompletedResult, makeErroredResult, makeMachine, makeRun } from "./bench-runs.js";
import { createV1Store, V1_SUITE } from "./v1-store.js";

export interface StoreBackend {
  dialect: SqlDialect;
  /** A new, empty place for a store: a file path in a temp folder, or a fresh PostgreSQL schema. */
  newLocation(): string;
  open(location: string): Promise<HistoryStore>;
  /** Plain SQL straight to the database (bypassing the store), `?` placeholders. */
  raw(location: string, sql: string, params?: SqlValue[]): Promise<SqlRow[]>;
  /** What a store error's `where` must name for this location. */
  whereOf(location: string): ErrorLocation;
}

async function withStore<T>(backend: StoreBackend, location: string, work: (store: HistoryStore) => Promise<T>): Promise<T> {
  const store = await backend.open(location);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function expectPerfError(promise: Promise<unknown>): Promise<PerfError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}

export function describeHistoryStoreBehaviour(backend: StoreBackend): void {
  describe(`history store on ${backend.dialect}: runs`, () => {
    it("saves a run and loads it back exactly, every sample of every process included", async () => {
      const run = makeRun({
        label: "v1.4.0",
        commit: "0123456789abcdef0123456789abcdef01234567",
        committedAt: "2024-03-01T10:00:00+02:00",
        startedAt: "2024-03-01T12:00:00.123Z",
        results: [
          makeCompletedResult("parse", 1234.5678901234, { samples: [[1234.5678901234, 0.001, 1e-9, 98765432.1], [1e21, 3], [7]] }),
          makeCompletedResult("scan", 88, { params: { threads: "4", size: "1 MiB & more" } }),
          makeErroredResult("cli --version", "exit code 1"),
        ],
      });
      // JSON and SQLite have no NaN (a zero mean gives cv = NaN); it must still come back as NaN.
      const scan = run.results[1];
      if (scan?.state === "completed") Object.assign(scan, { method: "command via /bin/sh, shell spawn subtracted", shellOverheadNs: 812_000 }).stats.cv = Number.NaN;
      run.partial = true;
      await withStore(backend, backend.newLocation(), async (store) => {
        const id = await store.saveRun(run);
        const other = await store.saveRun(makeRun({ startedAt: "2024-03-02T00:00:00Z" }));
        expect(other).not.toBe(id);
        expect(await store.loadRun(id)).toEqual(run);
        const error = await expectPerfError(store.loadRun(id + other + 1000));
        expect(error.code).toBe("TARGET_NOT_FOUND");
      });
    });

    it("lists runs newest first (by start time, not by save order), filtered by suite, machine, commit and limit", async () => {
      const m1 = makeMachine("aaaa0001");
      const m2 = makeMachine("bbbb0002", { hostname: "ci-2" });
      await withStore(backend, backend.newLocation(), async (store) => {
        const late = await store.saveRun(makeRun({ suite: "app", machine: m1, commit: "c0ffee01", startedAt: "2024-05-03T00:00:00Z" }));
        const early = await store.saveRun(makeRun({ suite: "app", machine: m2, commit: "c0ffee02", startedAt: "2024-05-01T00:00:00Z", results: [makeCompletedResult("a", 1), makeErroredResult("b", "boom")] }));
        const middle = await store.saveRun(makeRun({ suite: "lib", machine: m1, commit: "deadbeef", startedAt: "2024-05-02T00:00:00Z" }));
        expect((await store.listRuns()).map((r) => r.id)).toEqual([late, middle, early]);
        expect((await store.listRuns({ suite: "app" })).map((r) => r.id)).toEqual([late, early]);
        expect((await store.listRuns({ machineId: "aaaa0001" })).map((r) => r.id)).toEqual([late, middle]);
        expect((await store.listRuns({ suite: "app", machineId: "bbbb0002" })).map((r) => r.id)).toEqual([early]);
        expect((await store.listRuns({ commit: "c0ffee" })).map((r) => r.id)).toEqual([late, early]);
        expect((await store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual([late, middle]);
        expect(await store.listRuns({ suite: "nope" })).toEqual([]);
        const [summary] = await store.listRuns({ machineId: "bbbb0002" });
        expect(summary).toMatchObject({ suite: "app", hostname: "ci-2", commit: "c0ffee02", ref: "main", dirty: false, benchmarks: 2, errored: 1, partial: false, startedAt: "2024-05-01T00:00:00Z" });
        expect((await store.latestRun({ suite: "app" }))?.git?.commit).toBe("c0ffee01");
        expect((await store.latestRun({ machineId: "bbbb0002" }))?.results.map((r) => r.name)).toEqual(["a", "b"]);
        expect(await store.latestRun({ suite: "nope" })).toBeUndefined();
        expect((await expectPerfError(store.listRuns({ limit: 0 }))).code).toBe("USAGE");
      });
    });
  });

  describe(`history store on ${backend.dialect}: damaged rows`, () => {
    it("reports a damaged samples column with the run, the benchmark and where the store is", async () => {
      const location = backend.newLocation();
      const id = await withStore(backend, location, (store) => store.saveRun(makeRun({ startedAt: "2024-01-01T00:00:00Z" })));
      await backend.raw(location, "UPDATE results SET samples_gzip = ? WHERE benchmark = ?", [Buffer.from("not gzip at all"), "parse"]);
      const error = await withStore(backend, location, (store) => expectPerfError(store.loadRun(id)));
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toBe(`run ${id}, benchmark "parse": the samples are not gzip data`);
      expect(error.where).toEqual(backend.whereOf(location));
    });
  });

  describe(`history store on ${backend.dialect}: series`, () => {
    it("orders a series by commit time (real time, whatever the offset), then run time, per machine and params", async () => {
      const m1 = makeMachine("aaaa0001");
      const m2 = makeMachine("bbbb0002");
      const scan = (median: number, threads: string) => makeCompletedResult("scan", median, { params: { threads, mode: "fast" } });
      await withStore(backend, backend.newLocation(), async (store) => {
        // c1 is 08:00Z, c2 09:30Z: as text "10:00+02:00" sorts after "09:30Z", in time it is before.
        const c3 = await store.saveRun(makeRun({ machine: m1, commit: "c3", committedAt: "2024-03-02T00:00:00Z", startedAt: "2024-03-02T01:00:00Z", results: [scan(300, "4"), scan(30, "1")] }));
        const c1b = await store.saveRun(makeRun({ machine: m1, commit: "c1", committedAt: "2024-03-01T10:00:00+02:00", startedAt: "2024-03-05T00:00:00Z", results: [scan(110, "4")] }));
        const c2 = await store.saveRun(makeRun({ machine: m1, commit: "c2", committedAt: "2024-03-01T09:30:00Z", startedAt: "2024-03-01T09:40:00Z", results: [scan(200, "4")] }));
        const c1a = await store.saveRun(makeRun({ machine: m1, commit: "c1", committedAt: "2024-03-01T10:00:00+02:00", startedAt: "2024-03-01T08:10:00Z", results: [scan(100, "4")] }));
        await store.saveRun(makeRun({ machine: m2, commit: "c2", committedAt: "2024-03-01T09:30:00Z", startedAt: "2024-03-06T00:00:00Z", results: [scan(999, "4")] }));

        const series = await store.loadSeries({ suite: "demo-app", benchmark: "scan", params: { mode: "fast", threads: "4" }, machineId: "aaaa0001" });
        expect(series.map((p) => p.runId)).toEqual([c1a, c1b, c2, c3]);
        expect(series.map((p) => (p.state === "completed" ? p.median : -1))).toEqual([100, 110, 200, 300]);
        expect(series[0]).toMatchObject({ commit: "c1", ref: "main", committedAt: "2024-03-01T10:00:00+02:00", startedAt: "2024-03-01T08:10:00Z", machineId: "aaaa0001", state: "completed", n: 6, processes: 2, cv: 0.017, fitToCompare: true });

        const latestTwo = await store.loadSeries({ suite: "demo-app", benchmark: "scan", params: { threads: "4", mode: "fast" }, machineId: "aaaa0001", limit: 2 });
        expect(latestTwo.map((p) => p.runId)).toEqual([c2, c3]);
        const allMachines = await store.loadSeries({ suite: "demo-app", benchmark: "scan", params: { threads: "4", mode: "fast" } });
        expect(allMachines.map((p) => (p.state === "completed" ? p.median : -1))).toEqual([100, 110, 200, 999, 300]);
        const oneThread = await store.loadSeries({ suite: "demo-app", benchmark: "scan", params: { threads: "1", mode: "fast" } });
        expect(oneThread.map((p) => p.runId)).toEqual([c3]);
        expect(await store.loadSeries({ suite: "demo-app", benchmark: "scan" })).toEqual([]);
      });
    });

    it("keeps errored results: stored, counted, read back with their error, and as gaps in the series", async () => {
      await withStore(backend, backend.newLocation(), async (store) => {
        const ok = await store.saveRun(makeRun({ commit: "c1", committedAt: "2024-01-01T00:00:00Z", startedAt: "2024-01-01T01:00:00Z", results: [makeCompletedResult("render", 50)] }));
        const broken = makeErroredResult("render", "TypeError: cannot read properties of undefined");
        const bad = await store.saveRun(makeRun({ commit: "c2", committedAt: "2024-01-02T00:00:00Z", startedAt: "2024-01-02T01:00:00Z", results: [broken] }));
        expect((await store.loadRun(bad)).results).toEqual([broken]);
        expect((await store.listRuns())[0]).toMatchObject({ id: bad, benchmarks: 1, errored: 1 });
        const series = await store.loadSeries({ suite: "demo-app", benchmark: "render" });
        expect(series.map((p) => [p.runId, p.state])).toEqual([[ok, "completed"], [bad, "errored"]]);
        expect(series[1]).toMatchObject({ state: "errored", error: "TypeError: cannot read properties of undefined", commit: "c2" });
      });
    });
  });

  describe(`history store on ${backend.dialect}: schema versions`, () => {
    it("migrates a real v1 store to v2: old runs get a machine from their hostname and stay readable", async () => {
      const location = backend.newLocation();
      const v1 = await createV1Store((sql, params) => backend.raw(location, sql, params), backend.dialect);
      const [first, second, laptop] = v1;
      if (!first || !second || !laptop) throw new Error("fixture");
      await withStore(backend, location, async (store) => {
        expect((await store.listRuns()).map((r) => [r.id, r.machineId, r.hostname, r.commit, r.benchmarks, r.errored])).toEqual([
          [laptop.id, "host:laptop", "laptop", "aaaa1111", 1, 0],
          [second.id, "host:ci-box-1", "ci-box-1", "bbbb2222", 1, 0],
          [first.id, "host:ci-box-1", "ci-box-1", "aaaa1111", 2, 1],
        ]);
        const series = await store.loadSeries({ suite: V1_SUITE, benchmark: "parse", machineId: "host:ci-box-1" });
        expect(series.map((p) => [p.runId, p.state === "completed" ? p.median : -1])).toEqual([[first.id, 2000], [second.id, 1800]]);
        const old = await store.loadRun(first.id);
        expect(old.machine).toMatchObject({ id: "host:ci-box-1", hostname: "ci-box-1", cpuModel: "unknown" });
        expect(old.git).toEqual({ commit: "aaaa1111", ref: "main", dirty: false, committedAt: "2023-05-01T10:00:00Z" });
        expect(old.results.map((r) => (r.state === "completed" ? r.samplesByProcess : r.error.message))).toEqual([first.parseSamples, first.renderError]);
        expect(old.results[0]?.params).toBeUndefined();
        // New runs (with parameters and a full machine) sit beside the migrated ones.
        const fresh = await store.saveRun(makeRun({ suite: V1_SUITE, commit: "cccc3333", committedAt: "2023-05-04T00:00:00Z", startedAt: "2023-05-04T01:00:00Z", results: [makeCompletedResult("parse", 1500, { params: { size: "big" } })] }));
        expect((await store.loadRun(fresh)).results[0]?.params).toEqual({ size: "big" });
      });
      const versions = await backend.raw(location, "SELECT version FROM schema_version ORDER BY version");
      expect(versions.map((r) => Number(r.version))).toEqual([1, 2]);
      // Opening again neither migrates twice nor loses anything.
      await withStore(backend, location, async (store) => expect(await store.listRuns({ suite: V1_SUITE })).toHaveLength(4));
      expect(await backend.raw(location, "SELECT version FROM schema_version")).toHaveLength(2);
    });

    it("a migration that fails changes nothing: the v1 store is left exactly as it was", async () => {
      const location = backend.newLocation();
      await createV1Store((sql, params) => backend.raw(location, sql, params), backend.dialect);
      // A hand-made table named like v2's late index makes the upgrade fail after it dropped runs.hostname.
      await backend.raw(location, "CREATE TABLE runs_by_suite_machine (note TEXT)");
      const error = await expectPerfError(backend.open(location));
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toMatch(/from schema version 1 to 2/);
      expect(error.where).toEqual(backend.whereOf(location));
      expect(Number((await backend.raw(location, "SELECT MAX(version) AS v FROM schema_version"))[0]?.v)).toBe(1);
      expect(await backend.raw(location, "SELECT hostname FROM runs ORDER BY id")).toEqual([{ hostname: "ci-box-1" }, { hostname: "ci-box-1" }, { hostname: "laptop" }]);
      const tables = await backend.raw(location, backend.dialect === "sqlite" ? "SELECT name FROM sqlite_master WHERE name = 'machines'" : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'machines'");
      expect(tables).toEqual([]);
    });

    it("refuses a store from a newer schema version, leaving it untouched", async () => {
      const location = backend.newLocation();
      await withStore(backend, location, (store) => store.saveRun(makeRun({ startedAt: "2024-01-01T00:00:00Z" })));
      await backend.raw(location, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [3, "2030-01-01T00:00:00Z"]);
      const error = await expectPerfError(backend.open(location));
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toMatch(/schema version 3/);
      expect(error.hint).toMatch(/upgrade perfscope/);
      expect(error.where).toEqual(backend.whereOf(location));
      expect(await backend.raw(location, "SELECT id FROM runs")).toHaveLength(1);
    });

    it("refuses a database that holds someone else's tables", async () => {
      const location = backend.newLocation();
      await backend.raw(location, "CREATE TABLE customers (id INTEGER, name TEXT)");
      const error = await expectPerfError(backend.open(location));
      expect(error.code).toBe("MALFORMED_INPUT");
      expect(error.message).toMatch(/customers.*not a perfscope history store/);
      expect(error.where).toEqual(backend.whereOf(location));
    });

    it("two stores opened at once on a new location create it once and both save", async () => {
      const location = backend.newLocation();
      const [a, b] = await Promise.all([backend.open(location), backend.open(location)]);
      try {
        const saves = [];
        for (let i = 0; i < 5; i++) {
          saves.push(a.saveRun(makeRun({ label: `a${i}`, startedAt: `2024-01-01T00:00:0${i}Z` })), b.saveRun(makeRun({ label: `b${i}`, startedAt: `2024-01-02T00:00:0${i}Z` })));
        }
        const ids = await Promise.all(saves);
        expect(new Set(ids).size).toBe(10);
        expect(await a.listRuns()).toHaveLength(10);
      } finally {
        await a.close();
        await b.close();
      }
      expect(await backend.raw(location, "SELECT version FROM schema_version")).toHaveLength(2);
    });
  });
}
