/**
 * Opens the RUM store a user names: a SQLite file (the default, `.perfscope/rum.sqlite`
 * under the working folder) or a PostgreSQL URL for a team. The CLI, the MCP server and
 * budgets all open it here, so "where is my RUM data" has one answer.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { RumStore } from "./model.js";
import { openPostgresRumStore } from "./store/postgres-rum-store.js";
import type { RumQuerySource } from "./store/rum-query-source.js";
import { openSqliteRumStore } from "./store/sqlite-rum-store.js";

export const DEFAULT_RUM_STORE = ".perfscope/rum.sqlite";

export interface OpenRumStoreOptions {
  /** Folder a relative SQLite path is resolved against (default the process's). */
  cwd?: string;
  /** SQLite only: "normal" survives a crash of perfscope, "full" also a power cut (fsync per commit). */
  durability?: "normal" | "full";
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** Where `spec` points, for messages: the resolved file, or the URL as given. */
export function describeRumStore(spec: string | undefined, cwd = process.cwd()): string {
  const value = spec ?? DEFAULT_RUM_STORE;
  return isPostgresUrl(value) ? value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@") : resolve(cwd, value);
}

export async function openRumStore(spec: string | undefined, options: OpenRumStoreOptions = {}): Promise<RumStore & RumQuerySource> {
  const value = spec ?? DEFAULT_RUM_STORE;
  if (isPostgresUrl(value)) return openPostgresRumStore(value);
  const file = resolve(options.cwd ?? process.cwd(), value);
  await mkdir(dirname(file), { recursive: true });
  return openSqliteRumStore(file, options.durability ? { durability: options.durability } : {});
}
