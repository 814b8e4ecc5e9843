/**
 * Schema version 1, as the first release shipped it. Kept verbatim (never edited) because a
 * fresh store is built by replaying every version in order, and because tests create a real
 * v1 store from it to prove that the migration keeps old history readable.
 *
 * v1 knew one machine per run only by its hostname (a column of `runs`) and had no
 * benchmark parameters: a benchmark was its name alone.
 */
export const SCHEMA_V1_STATEMENTS: readonly string[] = [
  `CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`,
  `CREATE TABLE runs (
    id {{ID}},
    suite TEXT NOT NULL,
    label TEXT,
    started_at TEXT NOT NULL,
    started_ms {{INT64}} NOT NULL,
    duration_ms {{FLOAT}} NOT NULL,
    hostname TEXT NOT NULL,
    commit_sha TEXT,
    ref TEXT,
    dirty INTEGER,
    committed_at TEXT,
    committed_ms {{INT64}},
    model_version INTEGER NOT NULL
  )`,
  `CREATE INDEX runs_by_suite_host ON runs (suite, hostname, started_ms)`,
  `CREATE TABLE results (
    id {{ID}},
    run_id {{INT64}} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    benchmark TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    error_message TEXT,
    error_json TEXT,
    batch_size INTEGER,
    n INTEGER,
    processes INTEGER,
    median {{FLOAT}},
    mean {{FLOAT}},
    std_dev {{FLOAT}},
    cv {{FLOAT}},
    p95 {{FLOAT}},
    ci_low {{FLOAT}},
    ci_high {{FLOAT}},
    fit_to_compare INTEGER,
    stats_json TEXT,
    samples_gzip {{BLOB}}
  )`,
  `CREATE INDEX results_by_run ON results (run_id, position)`,
  `CREATE INDEX results_by_benchmark ON results (benchmark)`,
];
