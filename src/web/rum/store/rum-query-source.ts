/**
 * What RUM queries read from a store, and the SQL both engines run for it (one text, but for
 * how each concatenates histogram blobs). Percentiles, shares, groups and trends come from
 * the hourly rollups, summed by the database per day and route; attribution, navigation
 * types and page-view samples from raw beacons. Rows travel as arrays and only the columns a
 * query needs are read: building JS strings and objects per row is what costs most.
 */
import type { SqlValue } from "../../../store/sql-driver.js";
import type { RumMetric } from "../model.js";
import { METRIC_COLUMNS, METRIC_INDEX, TARGET_COLUMNS } from "./beacon-rows.js";

/** Rollups of one metric for hours in [fromHour, toHour) (ms since the epoch, whole UTC hours). */
export interface RumRollupFilter {
  metric: RumMetric;
  fromHour: number;
  toHour: number;
  route?: string;
  device?: string;
  connection?: string;
  /** Also read this dimension's column (route and hour are always read). */
  dimension?: "device" | "connection";
}

/** The rollups of one UTC day and route (and dimension value), summed over hours, keys and writers. */
export interface RumRollupRow {
  /** Start of the UTC day, ms since the epoch. */
  day: number;
  route: string;
  /** The `dimension` asked for; "" when none was. */
  dimensionValue: string;
  count: number;
  good: number;
  needsImprovement: number;
  poor: number;
  /** The rows' encoded histograms, concatenated (decodeLogHistogramsInto reads them). */
  histograms: Uint8Array;
}

/** Raw beacons received in [from, to) (ms since the epoch). */
export interface RumRawFilter {
  from: number;
  to: number;
  route?: string;
  device?: string;
  connection?: string;
}

/** One raw beacon of a page view: its live values (superseded reports are NULL), in RUM_METRICS order. */
export interface RumBeaconSample {
  ts: number;
  pageId: string;
  route: string;
  device: string;
  connection: string;
  navigationType: string;
  values: (number | null)[];
}

export interface RumQuerySource {
  readonly kind: "sqlite" | "postgres";
  /** Brings the rollups up to date with the raw beacons; every query starts with it, so both agree. */
  foldRollups(): Promise<void>;
  readRollups(filter: RumRollupFilter): Promise<RumRollupRow[]>;
  /** (key, value) of each live value of `metric`, newest first, at most `limit`; values without a target are left out when keyed by target. */
  readMetricValues(metric: RumMetric, filter: RumRawFilter, key: "target" | "navigationType", limit?: number): Promise<{ key: string; value: number }[]>;
  /** Every beacon with a live value of the `pages` most recent page views in the range, newest first. */
  readPageViews(filter: RumRawFilter, pages: number): Promise<RumBeaconSample[]>;
}

function whereOf(filter: { route?: string; device?: string; connection?: string }, where: string[], params: SqlValue[]): string {
  for (const column of ["route", "device", "connection"] as const) {
    const value = filter[column];
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  return where.join(" AND ");
}

const ANY_VALUE = `(${METRIC_COLUMNS.map((c) => `${c} IS NOT NULL`).join(" OR ")})`;
const SAMPLE_COLUMNS = `ts, b.page_id, route, device, connection, nav_type, ${METRIC_COLUMNS.join(", ")}`;
/** Page ids per IN list when reading sampled page views. */
const PAGES_PER_READ = 500;

function rawWhere(filter: RumRawFilter, params: SqlValue[], extra: string[]): string {
  params.push(filter.from, filter.to);
  return whereOf(filter, ["ts >= ?", "ts < ?", ...extra], params);
}

function limitClause(limit: number | undefined, params: SqlValue[]): string {
  if (limit === undefined) return "";
  params.push(limit);
  return " LIMIT ?";
}

const DAY_MS = 86_400_000;

const num = (value: unknown): number => (typeof value === "number" ? value : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : num(value));

/** The queries over both engines; an engine supplies only how to run SQL and get rows as arrays, and the fold. */
export abstract class SqlRumQueries implements RumQuerySource {
  abstract readonly kind: "sqlite" | "postgres";

  abstract foldRollups(): Promise<void>;

  /** Runs a read with `?` placeholders; each row an array of the selected columns, in order. */
  protected abstract readArrays(sql: string, params: SqlValue[]): Promise<unknown[][]>;

  /**
   * SQL concatenating the histogram blobs of a group: the one place the engines' SQL differs.
   * SQLite's string_agg joins blobs byte for byte as text (the CAST gives the bytes back);
   * PostgreSQL has string_agg over bytea.
   */
  protected abstract readonly concatHistogramsSql: string;

  async readRollups(filter: RumRollupFilter): Promise<RumRollupRow[]> {
    const params: SqlValue[] = [filter.metric, filter.fromHour, filter.toHour];
    const where = whereOf(filter, ["metric = ?", "hour_ms >= ?", "hour_ms < ?"], params);
    // A column name cannot be a parameter: only these two ever reach the SQL text.
    const dimension = filter.dimension === "device" || filter.dimension === "connection" ? filter.dimension : undefined;
    // The database joins the histograms of a route and day, so a day of 600 keys × 24 hours
    // reaches JS as one row per route rather than 14,400 (measured on 1M beacons: reading
    // 15,000 rows cost 35–55 ms, 100 grouped rows 20 ms). Integer division in both engines.
    const rows = await this.readArrays(
      `SELECT hour_ms / ${DAY_MS} AS day, route, ${dimension ?? "''"}, SUM(count), SUM(good), SUM(ni), SUM(poor), ${this.concatHistogramsSql}
       FROM rum_rollups WHERE ${where} GROUP BY hour_ms / ${DAY_MS}, route${dimension ? `, ${dimension}` : ""}`,
      params,
    );
    return rows.map((r) => ({ day: num(r[0]) * DAY_MS, route: r[1] as string, dimensionValue: r[2] as string, count: num(r[3]), good: num(r[4]), needsImprovement: num(r[5]), poor: num(r[6]), histograms: r[7] as Uint8Array }));
  }

  async readMetricValues(metric: RumMetric, filter: RumRawFilter, key: "target" | "navigationType", limit?: number): Promise<{ key: string; value: number }[]> {
    const m = METRIC_INDEX[metric];
    const column = METRIC_COLUMNS[m] as string;
    const target = TARGET_COLUMNS[m];
    if (key === "target" && !target) return [];
    const params: SqlValue[] = [];
    const keyColumn = key === "target" ? (target as string) : "nav_type";
    const where = rawWhere(filter, params, [`${column} IS NOT NULL`, ...(key === "target" ? [`${keyColumn} IS NOT NULL`] : [])]);
    const rows = await this.readArrays(`SELECT ${keyColumn}, ${column} FROM rum_beacons WHERE ${where} ORDER BY ts DESC, id DESC${limitClause(limit, params)}`, params);
    return rows.map((r) => ({ key: r[0] as string, value: num(r[1]) }));
  }

  async readPageViews(filter: RumRawFilter, pages: number): Promise<RumBeaconSample[]> {
    // The newest beacons name the newest page views; a view's older beacons (its first
    // report, when a later one added INP or CLS) are then read through the page list.
    const chosen = new Set<string>();
    for (let limit = pages * 3; ; limit *= 4) {
      const params: SqlValue[] = [];
      const where = rawWhere(filter, params, [ANY_VALUE]);
      const rows = await this.readArrays(`SELECT page_id FROM rum_beacons WHERE ${where} ORDER BY ts DESC, id DESC${limitClause(limit, params)}`, params);
      for (const r of rows) {
        if (chosen.size === pages) break;
        chosen.add(r[0] as string);
      }
      if (chosen.size === pages || rows.length < limit) break;
    }
    const ids = [...chosen];
    const samples: RumBeaconSample[] = [];
    for (let i = 0; i < ids.length; i += PAGES_PER_READ) {
      const some = ids.slice(i, i + PAGES_PER_READ);
      const params: SqlValue[] = [];
      const where = `${rawWhere(filter, params, [ANY_VALUE])} AND p.page_id IN (${some.map(() => "?").join(", ")})`;
      params.push(...some);
      const rows = await this.readArrays(`SELECT ${SAMPLE_COLUMNS} FROM rum_page_beacons p JOIN rum_beacons b ON b.id = p.beacon_id WHERE ${where}`, params);
      for (const r of rows) {
        samples.push({ ts: num(r[0]), pageId: r[1] as string, route: r[2] as string, device: r[3] as string, connection: r[4] as string, navigationType: r[5] as string, values: METRIC_COLUMNS.map((_, m) => numOrNull(r[6 + m])) });
      }
    }
    return samples.sort((a, b) => b.ts - a.ts);
  }
}
