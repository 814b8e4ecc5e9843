/**
 * The RUM tables and their version. Both engines share one DDL text (type tokens from the
 * history store's driver seam). The `rum_schema` table holds one row per applied version, so
 * a later perfscope can migrate; a store written by a newer perfscope is refused, not misread.
 */
import { PerfError, type ErrorLocation } from "../../../core/errors.js";
import { readNumber, renderDdl, type SqlDialect, type SqlExecutor } from "../../../store/sql-driver.js";
import { RUM_METRICS, RUM_THRESHOLDS } from "../model.js";
import { ATTRIBUTED_METRICS } from "./beacon-rows.js";

export const RUM_SCHEMA_VERSION = 1;

/**
 * Raw beacons, one row per beacon (a page view's metrics received together), one column per
 * metric; rollups, one row per (metric, hour, route, device, connection) with exact rating
 * counts and its encoded log histogram, folded from the raw rows up to a watermark
 * (`rum_rollup_state`). `rum_page_beacons` lists the folded beacons of each page view, so
 * the fold finds an earlier report of a measurement; the fold writes it, in bulk, because a
 * page-id index on the insert path costs one random B-tree page per beacon (measured: 117k →
 * 22k beacons/s at 1M rows on SQLite). The only insert-path index is (ts): samples,
 * attribution and navigation types read a time range newest first.
 */
const SCHEMA_V1: readonly string[] = [
  `CREATE TABLE rum_schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL)`,
  `CREATE TABLE rum_beacons (
    id {{ID}},
    ts {{INT64}} NOT NULL,
    page_id TEXT NOT NULL,
    route TEXT NOT NULL,
    url TEXT NOT NULL,
    device TEXT NOT NULL,
    connection TEXT NOT NULL,
    nav_type TEXT NOT NULL,
    lcp {{FLOAT}}, inp {{FLOAT}}, cls {{FLOAT}}, fcp {{FLOAT}}, ttfb {{FLOAT}},
    lcp_target TEXT, inp_target TEXT, cls_target TEXT,
    attribution TEXT
  )`,
  `CREATE INDEX rum_beacons_by_time ON rum_beacons (ts)`,
  `CREATE TABLE rum_page_beacons (
    page_id TEXT NOT NULL,
    beacon_id {{INT64}} NOT NULL,
    PRIMARY KEY (page_id, beacon_id)
  ){{CLUSTERED}}`,
  `CREATE TABLE rum_rollups (
    metric TEXT NOT NULL,
    hour_ms {{INT64}} NOT NULL,
    route TEXT NOT NULL,
    device TEXT NOT NULL,
    connection TEXT NOT NULL,
    count {{INT64}} NOT NULL,
    good {{INT64}} NOT NULL,
    ni {{INT64}} NOT NULL,
    poor {{INT64}} NOT NULL,
    histogram {{BLOB}} NOT NULL,
    PRIMARY KEY (metric, hour_ms, route, device, connection)
  ){{CLUSTERED}}`,
  `CREATE TABLE rum_rollup_state (id INTEGER PRIMARY KEY, folded_through {{INT64}} NOT NULL)`,
  `INSERT INTO rum_rollup_state (id, folded_through) VALUES (1, 0)`,
  "{{EVENTS_VIEW}}",
];

/**
 * `rum_events`: one row per live measurement (superseded reports left out), as people and
 * tools reading the store expect; `rowid` orders them as received.
 */
function renderEventsView(dialect: SqlDialect): string {
  const parts = RUM_METRICS.map((metric, index) => {
    const column = metric.toLowerCase();
    const t = RUM_THRESHOLDS[metric];
    const target = ATTRIBUTED_METRICS.includes(metric) ? `${column}_target` : "NULL";
    const attribution = dialect === "sqlite" ? `json_extract(attribution, '$.${metric}')` : `(attribution::json -> '${metric}')::text`;
    return `SELECT id * 8 + ${index}, ts, page_id, '${metric}', ${column}, CASE WHEN ${column} <= ${t.good} THEN 'good' WHEN ${column} <= ${t.poor} THEN 'needs-improvement' ELSE 'poor' END,
      route, url, device, connection, nav_type, ${target}, ${attribution} FROM rum_beacons WHERE ${column} IS NOT NULL`;
  });
  return `CREATE VIEW rum_events (rowid, ts, page_id, metric, value, rating, route, url, device, connection, nav_type, target, attribution) AS\n${parts.join("\nUNION ALL\n")}`;
}

/**
 * SQLite stores rollups and the page list in primary-key order (WITHOUT ROWID), so a query's
 * rows — one metric, a run of hours — lie together on disk instead of being fetched one by one
 * through the key index. PostgreSQL has no such clause; its heap is read through the key index.
 * SQLite's id is the rowid itself (INTEGER PRIMARY KEY, no AUTOINCREMENT bookkeeping).
 */
function renderRumDdl(statement: string, dialect: SqlDialect): string {
  if (statement === "{{EVENTS_VIEW}}") return renderEventsView(dialect);
  const id = dialect === "sqlite" ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  return renderDdl(statement.replace("{{CLUSTERED}}", dialect === "sqlite" ? " WITHOUT ROWID" : "").replace("{{ID}}", id), dialect);
}

const MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [{ version: 1, statements: SCHEMA_V1 }];

/** What preparing the schema needs from an engine. */
export interface RumSchemaHost {
  readonly dialect: SqlDialect;
  readonly where: ErrorLocation;
  /** SQL with one `?`: a row when the table of that name exists in the store's namespace. */
  readonly tableExistsSql: string;
  query: SqlExecutor["query"];
  /** One write transaction that also serialises concurrent openers (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock). */
  lockedTransaction(work: (tx: SqlExecutor) => Promise<void>): Promise<void>;
}

async function readVersion(db: SqlExecutor, host: RumSchemaHost): Promise<number> {
  const exists = async (table: string): Promise<boolean> => (await db.query(host.tableExistsSql, [table])).length > 0;
  if (!(await exists("rum_schema"))) {
    const foreign = (await exists("rum_events")) ? "rum_events" : (await exists("rum_beacons")) ? "rum_beacons" : undefined;
    if (foreign) {
      throw new PerfError("MALFORMED_INPUT", `the database has a ${foreign} table but no rum_schema table, so it was not created by perfscope`, {
        where: host.where,
        hint: "point the RUM store at its own file or an empty PostgreSQL schema; perfscope never writes into someone else's tables",
      });
    }
    return 0;
  }
  const row = (await db.query("SELECT MAX(version) AS version FROM rum_schema"))[0];
  if (!row || row.version === null || row.version === undefined) {
    throw new PerfError("MALFORMED_INPUT", "the RUM store's rum_schema table is empty, so its layout is unknown", { where: host.where, hint: "restore the store from a backup, or move it away to start a new one" });
  }
  return readNumber(row, "version");
}

function refuseNewer(version: number, host: RumSchemaHost): never {
  throw new PerfError("MALFORMED_INPUT", `the RUM store has schema version ${version}, newer than this perfscope knows (${RUM_SCHEMA_VERSION}); a later perfscope wrote it`, {
    where: host.where,
    hint: "upgrade perfscope to read and write this store (it was left untouched)",
  });
}

/** Creates or upgrades the tables; one read when they are current. */
export async function prepareRumSchema(host: RumSchemaHost): Promise<void> {
  const seen = await readVersion(host, host);
  if (seen === RUM_SCHEMA_VERSION) return;
  if (seen > RUM_SCHEMA_VERSION) refuseNewer(seen, host);
  await host.lockedTransaction(async (tx) => {
    // Read again under the lock: another opener may have created the tables meanwhile.
    const version = await readVersion(tx, host);
    if (version > RUM_SCHEMA_VERSION) refuseNewer(version, host);
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      for (const statement of migration.statements) await tx.query(renderRumDdl(statement, host.dialect));
      await tx.query("INSERT INTO rum_schema (version, applied_at) VALUES (?, ?)", [migration.version, new Date().toISOString()]);
    }
  });
}
