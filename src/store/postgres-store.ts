/**
 * The shared history store for teams: the same tables in a PostgreSQL schema (default
 * `perfscope`), reached through a small pg.Pool. Values are always bound as parameters; the
 * only text put into SQL is the schema name, which is checked to be a plain identifier.
 */
import pg from "pg";
import { PerfError } from "../core/errors.js";
import type { HistoryStore } from "./history-store.js";
import { prepareSchema } from "./schema-migrations.js";
import { SqlHistoryStore } from "./sql-history-store.js";
import { toNumberedPlaceholders, type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue } from "./sql-driver.js";

export const DEFAULT_POSTGRES_SCHEMA = "perfscope";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL for messages: the password never appears in errors or logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

export function describePgError(error: unknown, url: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = { url };
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ETIMEDOUT" || /timeout expired|Connection terminated/i.test(detail)) {
    return new PerfError("TARGET_NOT_FOUND", `cannot connect to PostgreSQL (${detail})`, { where, hint: "check the URL, and that the server is running and reachable from here", cause: error });
  }
  if (code === "28P01" || code === "28000") {
    return new PerfError("PERMISSION_DENIED", `PostgreSQL refused the login (${detail})`, { where, hint: "check the user and password in the URL (or PGPASSWORD / ~/.pgpass)", cause: error });
  }
  if (code === "3D000") {
    return new PerfError("TARGET_NOT_FOUND", `the database does not exist (${detail})`, { where, hint: "create it first (createdb) or name an existing database in the URL", cause: error });
  }
  if (code === "42501") {
    return new PerfError("PERMISSION_DENIED", `PostgreSQL denied an operation (${detail})`, { where, hint: "grant the user CREATE on the database, or create the schema for it beforehand", cause: error });
  }
  return error;
}

class PostgresDriver implements SqlDriver {
  readonly dialect = "postgres" as const;
  readonly where: { url: string };
  // current_schema() is NULL until the schema exists, so a new store reads as empty.
  readonly listTablesSql = "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name";

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    readonly url: string,
  ) {
    this.where = { url };
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    try {
      return (await this.pool.query(toNumberedPlaceholders(sql), [...params])).rows as SqlRow[];
    } catch (error) {
      throw describePgError(error, this.url);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw describePgError(error, this.url);
    }
    const tx: SqlExecutor = {
      query: async (sql, params = []) => {
        try {
          return (await client.query(toNumberedPlaceholders(sql), [...params])).rows as SqlRow[];
        } catch (error) {
          throw describePgError(error, this.url);
        }
      },
    };
    let broken: Error | undefined;
    try {
      await tx.query("BEGIN");
      const result = await work(tx);
      await tx.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError; // a connection that cannot roll back is not reused
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async lockSchema(tx: SqlExecutor): Promise<void> {
    // Two openers of a new store would both create it; the lock (held to commit) queues them.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext(?))", [`perfscope.history.${this.schema}`]);
    // Identifiers cannot be bound parameters; the name passed SCHEMA_NAME in open.
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Opens or creates the history in `schema` of the database at `url`, migrating an older schema. */
export async function openPostgresHistoryStore(url: string, options: { schema?: string } = {}): Promise<HistoryStore> {
  const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  const shownUrl = redactPostgresUrl(url);
  if (!SCHEMA_NAME.test(schema)) {
    throw new PerfError("USAGE", `schema name ${JSON.stringify(schema)} is not a plain lower-case identifier`, { where: { url: shownUrl }, hint: "use letters a-z, digits and _ (not starting with a digit), at most 63 characters" });
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}`, application_name: "perfscope", connectionTimeoutMillis: 10_000 });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const driver = new PostgresDriver(pool, schema, shownUrl);
  try {
    await prepareSchema(driver);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new SqlHistoryStore(driver, shownUrl);
}
