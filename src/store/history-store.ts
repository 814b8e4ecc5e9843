/**
 * Run history: every benchmark run saved with its full samples, so any two runs can be
 * compared again later and a benchmark's median can be charted across commits. SQLite (one
 * file in the project) by default; PostgreSQL when a team shares one history.
 */
import { resolve } from "node:path";
import type { BenchRun } from "../bench/model.js";

export const DEFAULT_HISTORY_FILE = ".perfscope/history.sqlite";

export interface RunFilter {
  suite?: string;
  /** MachineInfo.id; runs migrated from schema v1 use `host:<hostname>`. */
  machineId?: string;
  /** A full commit hash or a prefix of it. */
  commit?: string;
  /** Newest runs first; at most this many (all when absent). */
  limit?: number;
}

export interface StoredRunSummary {
  id: number;
  suite: string;
  label?: string;
  startedAt: string;
  durationMs: number;
  machineId: string;
  hostname: string;
  commit?: string;
  ref?: string;
  dirty?: boolean;
  committedAt?: string;
  /** How many benchmark results the run holds, and how many of them errored. */
  benchmarks: number;
  errored: number;
  /** Stopped early (Ctrl-C): holds what was measured until then. */
  partial: boolean;
}

export interface SeriesQuery {
  suite: string;
  benchmark: string;
  /** The parameter values of one scan point; absent means the benchmark without parameters. */
  params?: Record<string, string>;
  machineId?: string;
  /** The most recent points only (the series is still returned oldest first). */
  limit?: number;
}

interface SeriesPointBase {
  runId: number;
  commit?: string;
  ref?: string;
  label?: string;
  committedAt?: string;
  startedAt: string;
  machineId: string;
}

export interface CompletedSeriesPoint extends SeriesPointBase {
  state: "completed";
  median: number;
  mean: number;
  stdDev: number;
  cv: number;
  p95: number;
  n: number;
  processes: number;
  ciLow: number;
  ciHigh: number;
  fitToCompare: boolean;
}

/** A run where the benchmark failed: kept in the series so a chart can show the gap and why. */
export interface ErroredSeriesPoint extends SeriesPointBase {
  state: "errored";
  error: string;
}

export type SeriesPoint = CompletedSeriesPoint | ErroredSeriesPoint;

export interface HistoryStore {
  /** The file path or the URL (password hidden) the store reads and writes. */
  readonly location: string;
  /** Saves a run in one transaction; returns its id. */
  saveRun(run: BenchRun): Promise<number>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<StoredRunSummary[]>;
  /** The run exactly as saved, samples included; TARGET_NOT_FOUND for an unknown id. */
  loadRun(id: number): Promise<BenchRun>;
  /** One benchmark over time, ordered by commit time, then run time (runs without git by run time). */
  loadSeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** The most recently started run matching the filter. */
  latestRun(filter?: Omit<RunFilter, "limit">): Promise<BenchRun | undefined>;
  close(): Promise<void>;
}

export interface OpenHistoryStoreOptions {
  /** Resolves the default and relative file paths (default: process.cwd()). */
  cwd?: string;
  /** PostgreSQL schema holding the tables (default `perfscope`); created when missing. */
  schema?: string;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens (creating or migrating as needed) the history at `location`: a postgres:// or
 * postgresql:// URL, or a SQLite file path; default `<cwd>/.perfscope/history.sqlite`.
 */
export async function openHistoryStore(location?: string, options: OpenHistoryStoreOptions = {}): Promise<HistoryStore> {
  // Each engine is loaded only when used: better-sqlite3 is a native module.
  if (location !== undefined && isPostgresUrl(location)) {
    const { openPostgresHistoryStore } = await import("./postgres-store.js");
    return openPostgresHistoryStore(location, options.schema === undefined ? {} : { schema: options.schema });
  }
  const cwd = options.cwd ?? process.cwd();
  const { openSqliteHistoryStore } = await import("./sqlite-store.js");
  return openSqliteHistoryStore(resolve(cwd, location ?? DEFAULT_HISTORY_FILE));
}
