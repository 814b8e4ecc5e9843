/**
 * Opening a SQLite file for one of perfscope's stores (benchmark history, RUM): its folder
 * is created, a folder in its place is a usage error, and writers wait for each other for
 * SQLITE_BUSY_TIMEOUT_MS instead of failing. Each store maps SQLite's errors in its own words.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { PerfError } from "../core/errors.js";

/** How long a writer waits for another connection's write to finish before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

export interface SqliteFileRole {
  /** What the file is, for messages: "the history store". */
  what: string;
  /** A path to suggest: ".perfscope/history.sqlite". */
  example: string;
  /** The store's own translation of SQLite errors. */
  describeError(error: unknown, file: string): unknown;
}

export function openSqliteFile(file: string, role: SqliteFileRole): Database.Database {
  try {
    mkdirSync(dirname(file), { recursive: true });
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new PerfError("USAGE", `${file} is a folder; ${role.what} is a file`, { where: { file }, hint: `give the path of a file, e.g. ${role.example}` });
    }
    return new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw role.describeError(error, file);
  }
}
