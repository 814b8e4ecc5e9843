/**
 * The fold on PostgreSQL: one transaction per chunk of raw beacons, holding an advisory lock
 * so folders in other processes queue behind it; reads and writes go as UNNEST arrays, a few
 * round trips per chunk whatever its size.
 */
import type pg from "pg";
import { describePgError } from "../../../store/postgres-store.js";
import { METRIC_COLUMNS, TARGET_COLUMNS } from "./beacon-rows.js";
import { applyFold, dimsSql, emptyRollupState, FOLD_CHUNK_ROWS, planFold, rollupStateOf, type FoldRow, type RollupKey, type RollupState } from "./rollup-fold.js";

const FOLD_COLUMNS = `b.id, b.ts, b.page_id, ${dimsSql("postgres", "b.")}, ${METRIC_COLUMNS.map((c) => `b.${c}`).join(", ")}`;
const SELECT_CHUNK = `SELECT ${FOLD_COLUMNS}, EXISTS (SELECT 1 FROM rum_page_beacons p WHERE p.page_id = b.page_id)
  FROM rum_beacons b WHERE b.id > $1 ORDER BY b.id LIMIT $2`;
const SELECT_FOLDED = `SELECT ${FOLD_COLUMNS} FROM rum_page_beacons p JOIN rum_beacons b ON b.id = p.beacon_id WHERE p.page_id = ANY($1::text[])`;
const SELECT_ROLLUPS = `SELECT k.i, r.count, r.good, r.ni, r.poor, r.histogram
  FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS k (metric, hour_ms, route, device, connection, i)
  JOIN rum_rollups r ON r.metric = k.metric AND r.hour_ms = k.hour_ms AND r.route = k.route AND r.device = k.device AND r.connection = k.connection`;
const UPSERT_ROLLUPS = `INSERT INTO rum_rollups (metric, hour_ms, route, device, connection, count, good, ni, poor, histogram)
  SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bytea[])
  ON CONFLICT (metric, hour_ms, route, device, connection) DO UPDATE SET count = EXCLUDED.count, good = EXCLUDED.good, ni = EXCLUDED.ni, poor = EXCLUDED.poor, histogram = EXCLUDED.histogram`;
const CLEAR_VALUES = METRIC_COLUMNS.map((column, m) => `UPDATE rum_beacons SET ${column} = NULL${TARGET_COLUMNS[m] ? `, ${TARGET_COLUMNS[m]} = NULL` : ""} WHERE id = ANY($1::bigint[])`);

type Row = unknown[];

function foldRowOf(r: Row): FoldRow {
  const n = (v: unknown): number | null => (v === null ? null : Number(v));
  return { id: Number(r[0]), ts: Number(r[1]), pageId: r[2] as string, dims: r[3] as string, values: [n(r[4]), n(r[5]), n(r[6]), n(r[7]), n(r[8])], previous: undefined };
}

/** Runs `work` in one transaction on one pooled connection; a connection that cannot roll back is not reused. */
export async function inTransaction<T>(pool: pg.Pool, url: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw describePgError(error, url);
  }
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw describePgError(error, url);
  } finally {
    client.release(broken);
  }
}

const keyColumns = (keys: readonly RollupKey[]): unknown[][] => [keys.map((k) => k.metric), keys.map((k) => k.hour), keys.map((k) => k.route), keys.map((k) => k.device), keys.map((k) => k.connection)];

export class PostgresRollupFolder {
  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly schema: string,
  ) {}

  async foldAll(): Promise<void> {
    while ((await inTransaction(this.pool, this.url, (client) => this.foldChunk(client))) === FOLD_CHUNK_ROWS);
  }

  private async foldChunk(client: pg.PoolClient): Promise<number> {
    const query = async (text: string, values: unknown[]): Promise<Row[]> => (await client.query({ text, values, rowMode: "array" })).rows as Row[];
    // Held to commit: the watermark is read and moved by one folder at a time.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`perfscope.rum.fold.${this.schema}`]);
    const after = Number((await query("SELECT folded_through FROM rum_rollup_state WHERE id = 1", []))[0]?.[0]);
    const raw = await query(SELECT_CHUNK, [after, FOLD_CHUNK_ROWS]);
    if (raw.length === 0) return 0;
    const rows = raw.map(foldRowOf);
    const seen = [...new Set(rows.filter((_, i) => (raw[i] as Row)[9] === true).map((r) => r.pageId))];
    const folded = seen.length > 0 ? (await query(SELECT_FOLDED, [seen])).map(foldRowOf) : [];
    const plan = planFold(rows, folded);
    const states: RollupState[] = plan.keys.map(emptyRollupState);
    for (const r of await query(SELECT_ROLLUPS, keyColumns(plan.keys))) {
      const i = Number(r[0]) - 1;
      states[i] = rollupStateOf(plan.keys[i] as RollupKey, { count: r[1], good: r[2], ni: r[3], poor: r[4], histogram: r[5] });
    }
    applyFold(plan, states);
    for (let m = 0; m < METRIC_COLUMNS.length; m++) {
      const ids = plan.cleared.filter((c) => c.metric === m).map((c) => c.id);
      if (ids.length > 0) await query(CLEAR_VALUES[m] as string, [ids]);
    }
    const s = states;
    await query(UPSERT_ROLLUPS, [...keyColumns(s), s.map((x) => x.count), s.map((x) => x.good), s.map((x) => x.needsImprovement), s.map((x) => x.poor), s.map((x) => x.histogram.encode())]);
    await query("INSERT INTO rum_page_beacons (page_id, beacon_id) SELECT page_id, id FROM rum_beacons WHERE id > $1 AND id <= $2", [after, plan.through]);
    await query("UPDATE rum_rollup_state SET folded_through = $1 WHERE id = 1", [plan.through]);
    return rows.length;
  }
}
