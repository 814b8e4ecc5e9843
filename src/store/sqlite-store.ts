/**
 * The default history store: one SQLite file (better-sqlite3). WAL mode lets readers work
 * while another process writes; a busy timeout makes two perfscope processes saving at
 * once wait for each other instead of failing or corrupting the file.
 */
import { realpathSync } from "node:fs";
import Database from "better-sqlite3";
import { PerfError } from "../core/errors.js";
import type { HistoryStore } from "./history-store.js";
import { prepareSchema } from "./schema-migrations.js";
import { openSqliteFile, SQLITE_BUSY_TIMEOUT_MS } from "./open-sqlite-file.js";
import { SqlHistoryStore } from "./sql-history-store.js";
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from "./sql-driver.js";


/** Turns SQLite's error codes into errors that name the file and say what to do. */
function describeSqliteError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const where = { file };
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new PerfError("MALFORMED_INPUT", `${file} is not a SQLite database (${detail}), so it cannot be a perfscope history store`, {
      where,
      hint: "point perfscope at its history file (default .perfscope/history.sqlite) or at a path that does not exist yet; move this file away if it was put there by mistake",
      cause: error,
    });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new PerfError("TIMEOUT", `${file} stayed locked by another process for ${SQLITE_BUSY_TIMEOUT_MS / 1000} s`, { where, hint: "wait for the other perfscope run to finish, then try again", cause: error });
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR")) {
    return new PerfError("PERMISSION_DENIED", `cannot read and write ${file} (${detail})`, { where, hint: "check that the path is a file (not a folder) and that you may write to it and its folder", cause: error });
  }
  return error;
}

/**
 * better-sqlite3 is synchronous: a second connection to the same file in this process would
 * block the whole thread in its busy wait while the first one's transaction sits between two
 * awaits, so a deadlock until the timeout. All stores on one file in a process take turns instead.
 */
const turnsByFile = new Map<string, Promise<unknown>>();

class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly where: { file: string };
  readonly listTablesSql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  private readonly statements = new Map<string, Database.Statement>();
  private readonly turnKey: string;

  constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.where = { file };
    // Two spellings of one file (symlinks, ..) must share turns; the file exists once opened.
    this.turnKey = realpathSync(file);
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.takeTurn(async () => this.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.takeTurn(async () => {
      // IMMEDIATE takes the write lock now, so two writers queue up instead of deadlocking later.
      this.run("BEGIN IMMEDIATE", []);
      try {
        const result = await work({ query: async (sql, params = []) => this.run(sql, params) });
        this.run("COMMIT", []);
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  /** The first statement reads the file header: a file that is not SQLite fails here. */
  configure(): Promise<void> {
    return this.takeTurn(async () => {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("synchronous = NORMAL"); // WAL + NORMAL survives process crashes; fsync at checkpoints.
    });
  }

  close(): Promise<void> {
    return this.takeTurn(async () => {
      if (this.db.open) this.db.close();
    });
  }

  private takeTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = (turnsByFile.get(this.turnKey) ?? Promise.resolve()).then(work);
    turnsByFile.set(this.turnKey, result.catch(() => undefined));
    return result;
  }

  private run(sql: string, params: readonly SqlValue[]): SqlRow[] {
    try {
      let statement = this.statements.get(sql);
      if (!statement) {
        statement = this.db.prepare(sql);
        this.statements.set(sql, statement);
      }
      if (statement.reader) return statement.all(...params) as SqlRow[];
      statement.run(...params);
      return [];
    } catch (error) {
      throw describeSqliteError(error, this.file);
    }
  }
}

/** Opens or creates the history file at `file` (an absolute path), migrating an older schema. */
export async function openSqliteHistoryStore(file: string): Promise<HistoryStore> {
  const db = openSqliteFile(file, { what: "the history store", example: ".perfscope/history.sqlite", describeError: describeSqliteError });
  const driver = new SqliteDriver(db, file);
  try {
    await driver.configure();
    await prepareSchema(driver);
  } catch (error) {
    db.close();
    throw describeSqliteError(error, file);
  }
  return new SqlHistoryStore(driver, file);
}
