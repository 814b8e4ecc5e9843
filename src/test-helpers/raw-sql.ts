/**
 * Raw SQL against a store's database, behind the store's back: what store-behaviour tests
 * use to plant old schemas or read what was really written.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { toNumberedPlaceholders, type SqlRow, type SqlValue } from "../store/sql-driver.js";

export function rawSqlite(file: string, sql: string, params: SqlValue[] = []): SqlRow[] {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as SqlRow[];
    statement.run(...params);
    return [];
  } finally {
    db.close();
  }
}

/** Runs `sql` (with ? placeholders) in `schema`, which is created when missing. */
export async function rawPostgres(url: string, schema: string, sql: string, params: SqlValue[] = []): Promise<SqlRow[]> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    return (await client.query(toNumberedPlaceholders(sql), params)).rows as SqlRow[];
  } finally {
    await client.end();
  }
}
