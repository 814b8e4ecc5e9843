/**
 * Builds a real schema-v1 history store, as the first perfscope release left it: v1's DDL
 * (schema-v1.ts) and rows written with plain SQL the way v1 wrote them (hostname column, no
 * parameters). The migration tests then open it with the current code.
 */
import { gzipSync } from "node:zlib";
import { SCHEMA_V1_STATEMENTS } from "../schema-v1.js";
import { renderDdl, type SqlDialect, type SqlRow, type SqlValue } from "../sql-driver.js";
import { makeCompletedResult } from "./bench-runs.js";

export type RawSql = (sql: string, params?: SqlValue[]) => Promise<SqlRow[]>;

export interface V1Run {
  id: number;
  hostname: string;
  commit: string;
  committedAt: string;
  startedAt: string;
  parseMedian: number;
  parseSamples: number[][];
  renderError?: string;
}

export const V1_SUITE = "legacy-app";

const V1_RUNS: Omit<V1Run, "id">[] = [
  { hostname: "ci-box-1", commit: "aaaa1111", committedAt: "2023-05-01T10:00:00Z", startedAt: "2023-05-01T11:00:00.000Z", parseMedian: 2000, parseSamples: [[1990.5, 2000, 2010.25]], renderError: "render crashed: out of memory" },
  { hostname: "ci-box-1", commit: "bbbb2222", committedAt: "2023-05-02T10:00:00Z", startedAt: "2023-05-02T11:00:00.000Z", parseMedian: 1800, parseSamples: [[1795, 1800], [1801.125, 1799]] },
  { hostname: "laptop", commit: "aaaa1111", committedAt: "2023-05-01T10:00:00Z", startedAt: "2023-05-03T09:00:00.000Z", parseMedian: 2500, parseSamples: [[2500, 2510, 2490]] },
];

const INSERT_V1_RESULT = `INSERT INTO results (run_id, position, benchmark, kind, source, state, error_message, error_json, batch_size, n, processes,
  median, mean, std_dev, cv, p95, ci_low, ci_high, fit_to_compare, stats_json, samples_gzip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Creates the v1 tables and three runs (two machines, two commits); returns what was written. */
export async function createV1Store(raw: RawSql, dialect: SqlDialect): Promise<V1Run[]> {
  for (const statement of SCHEMA_V1_STATEMENTS) await raw(renderDdl(statement, dialect));
  await raw("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [1, "2023-04-30T00:00:00.000Z"]);
  const written: V1Run[] = [];
  for (const run of V1_RUNS) {
    const rows = await raw(
      `INSERT INTO runs (suite, label, started_at, started_ms, duration_ms, hostname, commit_sha, ref, dirty, committed_at, committed_ms, model_version)
       VALUES (?, NULL, ?, ?, ?, ?, ?, 'main', 0, ?, ?, 1) RETURNING id`,
      [V1_SUITE, run.startedAt, Date.parse(run.startedAt), 900, run.hostname, run.commit, run.committedAt, Date.parse(run.committedAt)],
    );
    const id = Number(rows[0]?.id);
    const stats = makeCompletedResult("parse", run.parseMedian).stats;
    stats.n = run.parseSamples.flat().length;
    stats.processes = run.parseSamples.length;
    await raw(INSERT_V1_RESULT, [
      id, 0, "parse", "function", "bench/parse.bench.ts", "completed", null, null, 64, stats.n, stats.processes,
      stats.median, stats.mean, stats.stdDev, stats.cv, stats.p95, stats.medianCi.low, stats.medianCi.high, 1, JSON.stringify(stats), gzipSync(JSON.stringify(run.parseSamples)),
    ]);
    if (run.renderError !== undefined) {
      await raw(INSERT_V1_RESULT, [id, 1, "render", "function", "bench/render.bench.ts", "errored", run.renderError, JSON.stringify({ message: run.renderError }), null, null, null, null, null, null, null, null, null, null, null, null, null]);
    }
    written.push({ ...run, id });
  }
  return written;
}
