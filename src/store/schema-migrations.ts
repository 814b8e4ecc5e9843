/**
 * Schema versions of the history store and the steps between them. A new store replays
 * every step from v1, so a migrated store and a fresh one have exactly the same tables.
 * Each open reads the version; an older store is upgraded in one transaction, a newer one
 * (written by a later perfscope) is refused rather than misread.
 */
import { PerfError } from "../core/errors.js";
import { SCHEMA_V1_STATEMENTS } from "./schema-v1.js";
import { readNumber, renderDdl, type SqlDriver, type SqlExecutor } from "./sql-driver.js";

/**
 * v2: machines get their own table (id, CPU, cores, platform, arch) instead of a hostname in
 * `runs`; runs record the Node version and memory of that run and whether it was stopped early
 * (`partial`); results gain parameters (`params_key` is the canonical text the series are keyed
 * by) and `extra_json`, the result's optional fields that have no column (method, shell overhead). v1 runs keep their data and
 * get a machine row keyed `host:<hostname>`, since v1 never recorded the CPU.
 */
export const SCHEMA_V1_TO_V2_STATEMENTS: readonly string[] = [
  `CREATE TABLE machines (
    id {{ID}},
    machine_key TEXT NOT NULL UNIQUE,
    hostname TEXT NOT NULL,
    cpu_model TEXT NOT NULL,
    cores INTEGER NOT NULL,
    platform TEXT NOT NULL,
    arch TEXT NOT NULL
  )`,
  `INSERT INTO machines (machine_key, hostname, cpu_model, cores, platform, arch)
    SELECT DISTINCT 'host:' || hostname, hostname, 'unknown', 0, 'unknown', 'unknown' FROM runs`,
  `ALTER TABLE runs ADD COLUMN machine_id {{INT64}} REFERENCES machines (id)`,
  `ALTER TABLE runs ADD COLUMN node_version TEXT`,
  `ALTER TABLE runs ADD COLUMN memory_bytes {{INT64}}`,
  `ALTER TABLE runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0`,
  `UPDATE runs SET machine_id = (SELECT m.id FROM machines m WHERE m.machine_key = 'host:' || runs.hostname)`,
  `DROP INDEX runs_by_suite_host`,
  `ALTER TABLE runs DROP COLUMN hostname`,
  `CREATE INDEX runs_by_suite_machine ON runs (suite, machine_id, started_ms)`,
  `ALTER TABLE results ADD COLUMN params_key TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE results ADD COLUMN params_json TEXT`,
  `ALTER TABLE results ADD COLUMN extra_json TEXT`,
  `DROP INDEX results_by_benchmark`,
  `CREATE INDEX results_by_benchmark ON results (benchmark, params_key)`,
];

const MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  { version: 1, statements: SCHEMA_V1_STATEMENTS },
  { version: 2, statements: SCHEMA_V1_TO_V2_STATEMENTS },
];

export const CURRENT_SCHEMA_VERSION = 2;

/** Reads the store's schema version: 0 for an empty database. */
export async function readSchemaVersion(db: SqlExecutor, driver: SqlDriver): Promise<number> {
  const tables = (await db.query(driver.listTablesSql)).map((row) => String(row.name));
  if (tables.length === 0) return 0;
  if (!tables.includes("schema_version")) {
    throw new PerfError("MALFORMED_INPUT", `the database holds tables (${tables.slice(0, 5).join(", ")}) but is not a perfscope history store: it has no schema_version table`, {
      where: driver.where,
      hint: "point perfscope at its own history file or an empty database/schema; it never writes into someone else's tables",
    });
  }
  const rows = await db.query("SELECT MAX(version) AS version FROM schema_version");
  const version = rows[0]?.version;
  if (version === null || version === undefined) {
    throw new PerfError("MALFORMED_INPUT", "the history store's schema_version table is empty, so its layout is unknown", { where: driver.where, hint: "restore the store from a backup, or move it away to start a new history" });
  }
  return readNumber(rows[0] ?? {}, "version");
}

function refuseNewer(version: number, driver: SqlDriver): never {
  throw new PerfError("MALFORMED_INPUT", `the history store has schema version ${version}, newer than this perfscope knows (${CURRENT_SCHEMA_VERSION}); it was written by a later perfscope`, {
    where: driver.where,
    hint: "upgrade perfscope to read this history (the store is left untouched)",
  });
}

/** Brings the store to the current schema; a no-op (one read) when it is already there. */
export async function prepareSchema(driver: SqlDriver): Promise<void> {
  const seen = await readSchemaVersion(driver, driver);
  if (seen === CURRENT_SCHEMA_VERSION) return;
  if (seen > CURRENT_SCHEMA_VERSION) refuseNewer(seen, driver);
  await driver.transaction(async (tx) => {
    await driver.lockSchema?.(tx);
    // Read again under the write lock: another process may have migrated meanwhile.
    const version = await readSchemaVersion(tx, driver);
    if (version > CURRENT_SCHEMA_VERSION) refuseNewer(version, driver);
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      try {
        for (const statement of migration.statements) await tx.query(renderDdl(statement, driver.dialect));
        await tx.query("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [migration.version, new Date().toISOString()]);
      } catch (error) {
        if (error instanceof PerfError) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new PerfError("MALFORMED_INPUT", `upgrading the history store from schema version ${migration.version - 1} to ${migration.version} failed: ${detail}`, {
          where: driver.where,
          hint: `nothing was changed (the upgrade is one transaction); the store's tables differ from what version ${migration.version - 1} created, so restore it from a backup or keep using the perfscope that wrote it`,
          cause: error,
        });
      }
    }
  });
}
