/**
 * The RUM store for teams and larger volume: the same tables in a PostgreSQL schema
 * (default `perfscope_rum`, apart from the history store's `perfscope`), through a small
 * pg.Pool. A batch is one transaction: its beacons go in as one INSERT … SELECT FROM UNNEST
 * of column arrays; the rollups are folded later (postgres-rollup-fold.ts). Reads run the
 * same SQL text as SQLite.
 */
import pg from "pg";
import { PerfError } from "../../../core/errors.js";
import { describePgError, redactPostgresUrl } from "../../../store/postgres-store.js";
import { toNumberedPlaceholders, type SqlExecutor, type SqlRow, type SqlValue } from "../../../store/sql-driver.js";
import type { RumEvent, RumStore } from "../model.js";
import { assertStorableEvents, BEACON_COLUMNS, groupBeaconRows, type BeaconRow } from "./beacon-rows.js";
import { inTransaction, PostgresRollupFolder } from "./postgres-rollup-fold.js";
import { FOLD_INTERVAL_MS } from "./rollup-fold.js";
import { SqlRumQueries, type RumQuerySource } from "./rum-query-source.js";
import { prepareRumSchema } from "./rum-schema.js";

export const DEFAULT_RUM_POSTGRES_SCHEMA = "perfscope_rum";
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const INSERT_BEACONS = `INSERT INTO rum_beacons (${BEACON_COLUMNS.join(", ")})
  SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::text[])`;

class PostgresRumStore extends SqlRumQueries implements RumStore, RumQuerySource {
  readonly kind = "postgres" as const;
  protected readonly concatHistogramsSql = "string_agg(histogram, ''::bytea)";
  private readonly folder: PostgresRollupFolder;
  private pending = new Set<Promise<unknown>>();
  private lastFold = Date.now();
  private folding: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly schema: string,
  ) {
    super();
    this.folder = new PostgresRollupFolder(pool, url, schema);
  }

  async insertEvents(events: readonly RumEvent[]): Promise<void> {
    assertStorableEvents(events);
    if (events.length === 0) return;
    await this.track(this.writeBatch(groupBeaconRows(events)));
    if (Date.now() - this.lastFold >= FOLD_INTERVAL_MS && !this.folding) {
      this.lastFold = Date.now();
      void this.foldRollups().catch(() => undefined);
    }
  }

  /** Folds every raw beacon not yet in the rollups, a chunk per transaction. */
  foldRollups(): Promise<void> {
    this.folding ??= this.track(this.folder.foldAll()).finally(() => {
      this.folding = undefined;
      this.lastFold = Date.now();
    });
    return this.folding;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.pool.end();
  }

  protected async readArrays(sql: string, params: SqlValue[]): Promise<unknown[][]> {
    try {
      return (await this.pool.query({ text: toNumberedPlaceholders(sql), values: params, rowMode: "array" })).rows as unknown[][];
    } catch (error) {
      throw describePgError(error, this.url);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.catch(() => undefined).finally(() => this.pending.delete(work));
    return work;
  }

  private async writeBatch(rows: readonly BeaconRow[]): Promise<void> {
    await inTransaction(this.pool, this.url, async (client) => {
      // Inserts take turns: ids are then committed in increasing order, so a folder that has
      // seen id n has seen every id below it and its watermark never skips a late commit.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`perfscope.rum.insert.${this.schema}`]);
      await client.query(INSERT_BEACONS, beaconColumns(rows));
    });
  }
}

function beaconColumns(rows: readonly BeaconRow[]): unknown[][] {
  const columns: unknown[][] = BEACON_COLUMNS.map(() => new Array<unknown>(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as BeaconRow;
    for (let c = 0; c < row.length; c++) (columns[c] as unknown[])[i] = row[c];
  }
  return columns;
}

/** Opens or creates the RUM store in `schema` of the PostgreSQL database at `url`. */
export async function openPostgresRumStore(url: string, options: { schema?: string } = {}): Promise<RumStore & RumQuerySource> {
  const schema = options.schema ?? DEFAULT_RUM_POSTGRES_SCHEMA;
  const shownUrl = redactPostgresUrl(url);
  if (!SCHEMA_NAME.test(schema)) {
    throw new PerfError("USAGE", `schema name ${JSON.stringify(schema)} is not a plain lower-case identifier`, { where: { url: shownUrl }, hint: "use letters a-z, digits and _ (not starting with a digit), at most 63 characters" });
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}`, application_name: "perfscope-rum", connectionTimeoutMillis: 10_000 });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const executor: SqlExecutor = {
    query: async (sql, params = []) => {
      try {
        return (await pool.query(toNumberedPlaceholders(sql), [...params])).rows as SqlRow[];
      } catch (error) {
        throw describePgError(error, shownUrl);
      }
    },
  };
  try {
    await prepareRumSchema({
      dialect: "postgres",
      where: { url: shownUrl },
      // current_schema() is NULL until the schema exists, so a new store reads as empty.
      tableExistsSql: "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
      query: executor.query,
      lockedTransaction: (work) => transactionOn(pool, shownUrl, schema, work),
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresRumStore(pool, shownUrl, schema);
}

async function transactionOn(pool: pg.Pool, url: string, schema: string, work: (tx: SqlExecutor) => Promise<void>): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw describePgError(error, url);
  }
  const tx: SqlExecutor = {
    query: async (sql, params = []) => {
      try {
        return (await client.query(toNumberedPlaceholders(sql), [...params])).rows as SqlRow[];
      } catch (error) {
        throw describePgError(error, url);
      }
    },
  };
  try {
    await tx.query("BEGIN");
    // Two first openers would both create the tables; the lock (held to commit) queues them.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext(?))", [`perfscope.rum.${schema}`]);
    // Identifiers cannot be bound; the name passed SCHEMA_NAME.
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await work(tx);
    await tx.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
