/**
 * The history store written once over the SqlDriver seam: SQLite and PostgreSQL run the same
 * statements, so they cannot drift apart in what they save or how they order a series.
 */
import { BENCH_MODEL_VERSION, type BenchRun, type BenchResult } from "../bench/model.js";
import { PerfError } from "../core/errors.js";
import type { HistoryStore, RunFilter, SeriesPoint, SeriesQuery, StoredRunSummary } from "./history-store.js";
import { decodeResultRow, encodeResultRow, formatParamsKey, parseIsoTime, RESULT_COLUMNS } from "./run-codec.js";
import { readNumber, readOptionalNumber, readOptionalString, readString, type SqlDriver, type SqlRow, type SqlValue } from "./sql-driver.js";

const UPSERT_MACHINE = `INSERT INTO machines (machine_key, hostname, cpu_model, cores, platform, arch) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (machine_key) DO UPDATE SET hostname = excluded.hostname, cpu_model = excluded.cpu_model, cores = excluded.cores,
    platform = excluded.platform, arch = excluded.arch
  RETURNING id`;

const INSERT_RUN = `INSERT INTO runs (suite, label, started_at, started_ms, duration_ms, machine_id, node_version, memory_bytes,
    commit_sha, ref, dirty, committed_at, committed_ms, model_version, partial)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;

const INSERT_RESULT = `INSERT INTO results (${RESULT_COLUMNS.join(", ")}) VALUES (${RESULT_COLUMNS.map(() => "?").join(", ")})`;

const RUN_COLUMNS = `r.id, r.suite, r.label, r.started_at, r.duration_ms, r.node_version, r.memory_bytes, r.commit_sha, r.ref, r.dirty,
  r.committed_at, r.model_version, r.partial, m.machine_key, m.hostname, m.cpu_model, m.cores, m.platform, m.arch`;

/** Runs without git info sort by their start time among the commits. */
const SERIES_ORDER_DESC = "COALESCE(r.committed_ms, r.started_ms) DESC, r.started_ms DESC, r.id DESC, s.position DESC";

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new PerfError("USAGE", `limit must be a positive whole number, got ${limit}`, { hint: "omit limit to get every entry" });
  }
}

/** SQLite keeps NaN (e.g. the cv of a zero mean) as NULL; give the NaN back. */
function readStat(row: SqlRow, column: string): number {
  return readOptionalNumber(row, column) ?? Number.NaN;
}

function optionalNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

export class SqlHistoryStore implements HistoryStore {
  constructor(
    private readonly driver: SqlDriver,
    readonly location: string,
  ) {}

  async saveRun(run: BenchRun): Promise<number> {
    if (run.version !== BENCH_MODEL_VERSION) {
      throw new PerfError("MALFORMED_INPUT", `bench run model version ${String(run.version)} is not ${BENCH_MODEL_VERSION}`, { hint: "save runs produced by this perfscope version" });
    }
    if (!run.suite) throw new PerfError("MALFORMED_INPUT", "the run has no suite name", { hint: "set BenchRun.suite (the package name, or a name of your choice)" });
    const startedMs = parseIsoTime(run.startedAt, "run.startedAt");
    const committedMs = run.git?.committedAt === undefined ? null : parseIsoTime(run.git.committedAt, "run.git.committedAt");
    const m = run.machine;
    return this.driver.transaction(async (tx) => {
      const machineRows = await tx.query(UPSERT_MACHINE, [m.id, m.hostname, m.cpuModel, m.cores, m.platform, m.arch]);
      const machineId = readNumber(machineRows[0] ?? {}, "id");
      const git = run.git;
      const runRows = await tx.query(INSERT_RUN, [
        run.suite, optionalNull(run.label), run.startedAt, startedMs, run.durationMs, machineId, m.node, m.memoryBytes,
        optionalNull(git?.commit), optionalNull(git?.ref), git?.dirty === undefined ? null : git.dirty ? 1 : 0,
        optionalNull(git?.committedAt), committedMs, run.version, run.partial ? 1 : 0,
      ]);
      const runId = readNumber(runRows[0] ?? {}, "id");
      for (const [position, result] of run.results.entries()) await tx.query(INSERT_RESULT, encodeResultRow(runId, position, result));
      return runId;
    });
  }

  async listRuns(filter: RunFilter = {}): Promise<StoredRunSummary[]> {
    checkLimit(filter.limit);
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.suite !== undefined) {
      where.push("r.suite = ?");
      params.push(filter.suite);
    }
    if (filter.machineId !== undefined) {
      where.push("m.machine_key = ?");
      params.push(filter.machineId);
    }
    if (filter.commit !== undefined) {
      // Hex has no LIKE wildcards, so a short hash can match as a prefix safely.
      const isHex = /^[0-9a-f]+$/i.test(filter.commit);
      where.push(isHex ? "r.commit_sha LIKE ?" : "r.commit_sha = ?");
      params.push(isHex ? `${filter.commit.toLowerCase()}%` : filter.commit);
    }
    if (filter.limit !== undefined) params.push(filter.limit);
    const rows = await this.driver.query(
      `SELECT ${RUN_COLUMNS},
        (SELECT COUNT(*) FROM results s WHERE s.run_id = r.id) AS benchmarks,
        (SELECT COUNT(*) FROM results s WHERE s.run_id = r.id AND s.state = 'errored') AS errored
      FROM runs r JOIN machines m ON m.id = r.machine_id
      ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.started_ms DESC, r.id DESC ${filter.limit !== undefined ? "LIMIT ?" : ""}`,
      params,
    );
    return rows.map((row) => {
      const summary: StoredRunSummary = {
        id: readNumber(row, "id"),
        suite: readString(row, "suite"),
        startedAt: readString(row, "started_at"),
        durationMs: readNumber(row, "duration_ms"),
        machineId: readString(row, "machine_key"),
        hostname: readString(row, "hostname"),
        benchmarks: readNumber(row, "benchmarks"),
        errored: readNumber(row, "errored"),
        partial: readNumber(row, "partial") !== 0,
      };
      const label = readOptionalString(row, "label");
      if (label !== undefined) summary.label = label;
      Object.assign(summary, this.decodeGit(row) ?? {});
      return summary;
    });
  }

  async loadRun(id: number): Promise<BenchRun> {
    const runRows = Number.isSafeInteger(id) ? await this.driver.query(`SELECT ${RUN_COLUMNS} FROM runs r JOIN machines m ON m.id = r.machine_id WHERE r.id = ?`, [id]) : [];
    const row = runRows[0];
    if (!row) throw new PerfError("TARGET_NOT_FOUND", `there is no run ${id} in the history store`, { where: this.driver.where, hint: "list the stored runs to see their ids" });
    const modelVersion = readNumber(row, "model_version");
    if (modelVersion !== BENCH_MODEL_VERSION) {
      throw new PerfError("MALFORMED_INPUT", `run ${id} uses bench model version ${modelVersion}; this perfscope reads ${BENCH_MODEL_VERSION}`, { where: this.driver.where, hint: "upgrade perfscope" });
    }
    const resultRows = await this.driver.query(`SELECT ${RESULT_COLUMNS.join(", ")} FROM results WHERE run_id = ? ORDER BY position`, [id]);
    const results: BenchResult[] = resultRows.map((r) => decodeResultRow(r, { where: this.driver.where, runId: id }));
    const run: BenchRun = {
      version: BENCH_MODEL_VERSION,
      suite: readString(row, "suite"),
      startedAt: readString(row, "started_at"),
      durationMs: readNumber(row, "duration_ms"),
      machine: {
        id: readString(row, "machine_key"),
        hostname: readString(row, "hostname"),
        cpuModel: readString(row, "cpu_model"),
        cores: readNumber(row, "cores"),
        // Runs migrated from schema v1 never recorded these.
        memoryBytes: readOptionalNumber(row, "memory_bytes") ?? 0,
        platform: readString(row, "platform"),
        arch: readString(row, "arch"),
        node: readOptionalString(row, "node_version") ?? "unknown",
      },
      results,
    };
    const label = readOptionalString(row, "label");
    if (label !== undefined) run.label = label;
    const git = this.decodeGit(row);
    if (git) run.git = git;
    if (readNumber(row, "partial") !== 0) run.partial = true;
    return run;
  }

  async loadSeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    checkLimit(query.limit);
    const params: SqlValue[] = [query.suite, query.benchmark, formatParamsKey(query.params)];
    if (query.machineId !== undefined) params.push(query.machineId);
    if (query.limit !== undefined) params.push(query.limit);
    // Newest first so LIMIT keeps the latest points; reversed below to read oldest first.
    const rows = await this.driver.query(
      `SELECT r.id, r.commit_sha, r.ref, r.dirty, r.label, r.committed_at, r.started_at, m.machine_key, s.state, s.error_message,
        s.median, s.mean, s.std_dev, s.cv, s.p95, s.n, s.processes, s.ci_low, s.ci_high, s.fit_to_compare
      FROM results s JOIN runs r ON r.id = s.run_id JOIN machines m ON m.id = r.machine_id
      WHERE r.suite = ? AND s.benchmark = ? AND s.params_key = ? ${query.machineId !== undefined ? "AND m.machine_key = ?" : ""}
      ORDER BY ${SERIES_ORDER_DESC} ${query.limit !== undefined ? "LIMIT ?" : ""}`,
      params,
    );
    return rows.reverse().map((row) => this.decodeSeriesPoint(row));
  }

  async latestRun(filter: Omit<RunFilter, "limit"> = {}): Promise<BenchRun | undefined> {
    const [newest] = await this.listRuns({ ...filter, limit: 1 });
    return newest ? this.loadRun(newest.id) : undefined;
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  private decodeGit(row: SqlRow): BenchRun["git"] {
    const commit = readOptionalString(row, "commit_sha");
    if (commit === undefined) return undefined;
    const git: NonNullable<BenchRun["git"]> = { commit };
    const ref = readOptionalString(row, "ref");
    if (ref !== undefined) git.ref = ref;
    const dirty = readOptionalNumber(row, "dirty");
    if (dirty !== undefined) git.dirty = dirty !== 0;
    const committedAt = readOptionalString(row, "committed_at");
    if (committedAt !== undefined) git.committedAt = committedAt;
    return git;
  }

  private decodeSeriesPoint(row: SqlRow): SeriesPoint {
    const context: Omit<SeriesPoint, "state" | "error"> = { runId: readNumber(row, "id"), startedAt: readString(row, "started_at"), machineId: readString(row, "machine_key") };
    const git = this.decodeGit(row);
    if (git) {
      context.commit = git.commit;
      if (git.ref !== undefined) context.ref = git.ref;
      if (git.committedAt !== undefined) context.committedAt = git.committedAt;
    }
    const label = readOptionalString(row, "label");
    if (label !== undefined) context.label = label;
    if (readString(row, "state") === "errored") return { ...context, state: "errored", error: readOptionalString(row, "error_message") ?? "" };
    return {
      ...context,
      state: "completed",
      median: readStat(row, "median"),
      mean: readStat(row, "mean"),
      stdDev: readStat(row, "std_dev"),
      cv: readStat(row, "cv"),
      p95: readStat(row, "p95"),
      n: readNumber(row, "n"),
      processes: readNumber(row, "processes"),
      ciLow: readStat(row, "ci_low"),
      ciHigh: readStat(row, "ci_high"),
      fitToCompare: readNumber(row, "fit_to_compare") !== 0,
    };
  }
}
