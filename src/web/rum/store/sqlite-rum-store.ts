/**
 * The default RUM store: one SQLite file (better-sqlite3), written through prepared
 * statements in one synchronous transaction per batch.
 *
 * Durability: WAL mode. With `durability: "normal"` (the default, `synchronous=NORMAL`) a
 * batch whose insertEvents has resolved survives a crash or SIGKILL of the process, but the
 * last batches may be lost in a power cut or OS crash (WAL is fsynced at checkpoints, not
 * per commit). `durability: "full"` (`synchronous=FULL`) fsyncs every commit, so a resolved
 * batch also survives a power cut, at the price of one fsync per batch.
 *
 * Several processes may write one file: WAL lets readers go on while one writes, and the busy
 * timeout makes writers queue instead of failing. An insert only appends raw beacon rows; the
 * rollups are folded from them later (see rollup-fold.ts), by whichever store gets there first.
 */
import { realpathSync } from "node:fs";
import Database from "better-sqlite3";
import { PerfError } from "../../../core/errors.js";
import type { SqlExecutor, SqlRow, SqlValue } from "../../../store/sql-driver.js";
import type { RumEvent, RumStore } from "../model.js";
import { assertStorableEvents, BEACON_COLUMNS, groupBeaconRows, type BeaconRow } from "./beacon-rows.js";
import { FOLD_INTERVAL_MS, SQLITE_FOLD_CHUNK_ROWS } from "./rollup-fold.js";
import { openSqliteFile, SQLITE_BUSY_TIMEOUT_MS } from "../../../store/open-sqlite-file.js";
import { SqlRumQueries, type RumQuerySource } from "./rum-query-source.js";
import { prepareRumSchema } from "./rum-schema.js";
import { SqliteRollupFolder } from "./sqlite-rollup-fold.js";

export interface SqliteRumStoreOptions {
  /** "normal" (default): survives process crashes; "full": also power cuts (fsync per commit). */
  durability?: "normal" | "full";
}


function describeSqliteError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const where = { file };
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new PerfError("MALFORMED_INPUT", `${file} is not a SQLite database (${detail}), so it cannot hold RUM data`, { where, hint: "point the RUM store at its own file, or at a path that does not exist yet", cause: error });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new PerfError("TIMEOUT", `${file} stayed locked by another writer for ${SQLITE_BUSY_TIMEOUT_MS / 1000} s`, { where, hint: "another process holds a long write transaction on the file; retry when it is done", cause: error });
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR") || code === "SQLITE_FULL") {
    return new PerfError("PERMISSION_DENIED", `cannot write ${file} (${detail})`, { where, hint: "check that the path is a file you may write, in a folder you may write, on a disk with space", cause: error });
  }
  return error;
}

/** Opening is async (shared schema code); openers of one file in this process take turns so one never busy-waits on another's open transaction. */
const openTurns = new Map<string, Promise<unknown>>();

class SqliteRumStore extends SqlRumQueries implements RumStore, RumQuerySource {
  readonly kind = "sqlite" as const;
  protected readonly concatHistogramsSql = "CAST(string_agg(histogram, x'') AS BLOB)";
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertBeacon: Database.Statement;
  private readonly writeBatch: (rows: readonly BeaconRow[]) => void;
  private readonly folder: SqliteRollupFolder;
  private lastFold = Date.now();
  private folding: Promise<void> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    super();
    this.insertBeacon = db.prepare(`INSERT INTO rum_beacons (${BEACON_COLUMNS.join(", ")}) VALUES (${BEACON_COLUMNS.map(() => "?").join(", ")})`);
    // IMMEDIATE: take the write lock up front, so two writers queue rather than deadlock.
    this.writeBatch = db.transaction((rows: readonly BeaconRow[]) => {
      for (const row of rows) this.insertBeacon.run(row);
    }).immediate;
    this.folder = new SqliteRollupFolder(db);
  }

  /** Synchronous inside: the beacons are committed (one transaction of appends) before the promise resolves. */
  async insertEvents(events: readonly RumEvent[]): Promise<void> {
    assertStorableEvents(events);
    if (events.length === 0) return;
    try {
      this.writeBatch(groupBeaconRows(events));
    } catch (error) {
      throw describeSqliteError(error, this.file);
    }
    // Fold now and then, after the reply: a failed fold loses nothing (the next one catches up).
    if (Date.now() - this.lastFold >= FOLD_INTERVAL_MS && !this.folding) {
      this.lastFold = Date.now();
      setImmediate(() => void this.foldRollups().catch(() => undefined));
    }
  }

  /** Folds every raw beacon not yet in the rollups, a chunk per transaction, letting other work run between chunks. */
  foldRollups(): Promise<void> {
    this.folding ??= this.foldAll().finally(() => (this.folding = undefined));
    return this.folding;
  }

  private async foldAll(): Promise<void> {
    for (;;) {
      if (!this.db.open) return;
      let folded: number;
      try {
        folded = this.folder.foldChunk();
      } catch (error) {
        throw describeSqliteError(error, this.file);
      }
      this.lastFold = Date.now();
      if (folded < SQLITE_FOLD_CHUNK_ROWS) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    await this.folding?.catch(() => undefined);
    if (this.db.open) this.db.close();
  }

  protected async readArrays(sql: string, params: SqlValue[]): Promise<unknown[][]> {
    try {
      let statement = this.statements.get(sql);
      if (!statement) {
        statement = this.db.prepare(sql).raw(true);
        this.statements.set(sql, statement);
      }
      return statement.all(...params) as unknown[][];
    } catch (error) {
      throw describeSqliteError(error, this.file);
    }
  }
}

function executorOf(db: Database.Database): SqlExecutor {
  return {
    query: async (sql, params = []) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as SqlRow[];
      statement.run(...params);
      return [];
    },
  };
}

async function prepareFile(db: Database.Database, file: string, durability: "normal" | "full"): Promise<void> {
  // The first pragma reads the header: a file that is not SQLite fails here.
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${durability === "full" ? "FULL" : "NORMAL"}`);
  // The fold probes and extends the page list (random keys): with the default 2 MB cache each
  // probe went to the OS for its page. 16 MB keeps the collector under its 200 MB budget
  // (64 MB measured 260 MB peak RSS under a flood, 16 MB 168 MB at the same rate).
  db.pragma("cache_size = -16384");
  const executor = executorOf(db);
  await prepareRumSchema({
    dialect: "sqlite",
    where: { file },
    tableExistsSql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
    query: executor.query,
    lockedTransaction: async (work) => {
      db.exec("BEGIN IMMEDIATE");
      try {
        await work(executor);
        db.exec("COMMIT");
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
  });
}

/** Opens or creates the RUM store in the SQLite file `file` (its folder is created too). */
export async function openSqliteRumStore(file: string, options: SqliteRumStoreOptions = {}): Promise<RumStore & RumQuerySource> {
  const durability = options.durability ?? "normal";
  if (durability !== "normal" && durability !== "full") {
    throw new PerfError("USAGE", `durability ${JSON.stringify(durability)} is neither "normal" nor "full"`, { where: { file }, hint: 'use "normal" (survives process crashes) or "full" (also power cuts, one fsync per batch)' });
  }
  const db = openSqliteFile(file, { what: "the RUM store", example: ".perfscope/rum.sqlite", describeError: describeSqliteError });
  const turnKey = realpathSync(file);
  const turn = (openTurns.get(turnKey) ?? Promise.resolve()).then(() => prepareFile(db, file, durability));
  const settled = turn.catch(() => undefined);
  openTurns.set(turnKey, settled);
  try {
    await turn;
    return new SqliteRumStore(db, file);
  } catch (error) {
    db.close();
    throw describeSqliteError(error, file);
  } finally {
    if (openTurns.get(turnKey) === settled) openTurns.delete(turnKey);
  }
}
