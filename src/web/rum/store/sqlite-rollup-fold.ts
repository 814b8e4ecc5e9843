/**
 * The fold on SQLite: one BEGIN IMMEDIATE transaction per chunk of raw beacons, so folders in
 * other processes (and writers) queue behind it and a chunk is folded whole or not at all.
 */
import type Database from "better-sqlite3";
import type { SqlRow } from "../../../store/sql-driver.js";
import { METRIC_COLUMNS, TARGET_COLUMNS } from "./beacon-rows.js";
import { applyFold, dimsSql, emptyRollupState, planFold, SQLITE_FOLD_CHUNK_ROWS, rollupStateOf, type FoldRow, type RollupState } from "./rollup-fold.js";

const FOLD_COLUMNS = `b.id, b.ts, b.page_id, ${dimsSql("sqlite", "b.")}, ${METRIC_COLUMNS.map((c) => `b.${c}`).join(", ")}`;

function foldRowOf(r: unknown[]): FoldRow {
  return { id: r[0] as number, ts: r[1] as number, pageId: r[2] as string, dims: r[3] as string, values: [r[4], r[5], r[6], r[7], r[8]] as (number | null)[], previous: undefined };
}

/** Rollup rows kept between folds: a few hours of every route × device × connection × metric. */
const MAX_CACHED_ROLLUPS = 50_000;

export class SqliteRollupFolder {
  private readonly selectWatermark: Database.Statement;
  private readonly selectChunk: Database.Statement;
  private readonly selectFolded: Database.Statement;
  private readonly selectRollup: Database.Statement;
  private readonly upsertRollup: Database.Statement;
  private readonly clearValue: Database.Statement[];
  private readonly insertPages: Database.Statement;
  private readonly setWatermark: Database.Statement;
  private readonly fold: () => number;
  /**
   * The rollup rows as this folder last wrote them, keyed like planFold's keys. Valid only
   * while the watermark is still the one it wrote (no other folder came between): reading and
   * decoding a row back cost ~20 µs, as much as a whole chunk's per-beacon work.
   */
  private cache = new Map<string, RollupState>();
  private cachedThrough = -1;

  constructor(db: Database.Database) {
    this.selectWatermark = db.prepare("SELECT folded_through FROM rum_rollup_state WHERE id = 1").pluck();
    // The flag says whether the page already has folded beacons: only those pages need a look back.
    this.selectChunk = db.prepare(`SELECT ${FOLD_COLUMNS}, EXISTS (SELECT 1 FROM rum_page_beacons p WHERE p.page_id = b.page_id) FROM rum_beacons b WHERE b.id > ? ORDER BY b.id LIMIT ?`).raw();
    this.selectFolded = db.prepare(`SELECT ${FOLD_COLUMNS} FROM rum_page_beacons p JOIN rum_beacons b ON b.id = p.beacon_id WHERE p.page_id = ?`).raw();
    this.selectRollup = db.prepare("SELECT count, good, ni, poor, histogram FROM rum_rollups WHERE metric = ? AND hour_ms = ? AND route = ? AND device = ? AND connection = ?");
    this.upsertRollup = db.prepare(
      `INSERT INTO rum_rollups (metric, hour_ms, route, device, connection, count, good, ni, poor, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (metric, hour_ms, route, device, connection) DO UPDATE SET count = excluded.count, good = excluded.good, ni = excluded.ni, poor = excluded.poor, histogram = excluded.histogram`,
    );
    this.clearValue = METRIC_COLUMNS.map((column, m) => db.prepare(`UPDATE rum_beacons SET ${column} = NULL${TARGET_COLUMNS[m] ? `, ${TARGET_COLUMNS[m]} = NULL` : ""} WHERE id = ?`));
    this.insertPages = db.prepare("INSERT INTO rum_page_beacons (page_id, beacon_id) SELECT page_id, id FROM rum_beacons WHERE id > ? AND id <= ?");
    this.setWatermark = db.prepare("UPDATE rum_rollup_state SET folded_through = ? WHERE id = 1");
    // IMMEDIATE: the watermark is read under the write lock, so two folders never fold the same rows.
    this.fold = db.transaction(() => this.foldInTransaction()).immediate;
  }

  /** Folds one chunk in one write transaction; returns how many beacons it folded. */
  foldChunk(): number {
    try {
      return this.fold();
    } catch (error) {
      // Rolled back: the cached states may hold changes the file never got.
      this.cachedThrough = -1;
      throw error;
    }
  }

  private foldInTransaction(): number {
    const after = this.selectWatermark.get() as number;
    if (after !== this.cachedThrough) this.cache.clear();
    const raw = this.selectChunk.all(after, SQLITE_FOLD_CHUNK_ROWS) as unknown[][];
    if (raw.length === 0) return 0;
    const rows = raw.map(foldRowOf);
    const folded: FoldRow[] = [];
    const looked = new Set<string>();
    for (let i = 0; i < raw.length; i++) {
      const pageId = (rows[i] as FoldRow).pageId;
      if ((raw[i] as unknown[])[9] !== 1 || looked.has(pageId)) continue;
      looked.add(pageId);
      for (const r of this.selectFolded.all(pageId) as unknown[][]) folded.push(foldRowOf(r));
    }
    const plan = planFold(rows, folded);
    this.cachedThrough = -1;
    const states: RollupState[] = plan.keys.map((key) => {
      const name = `${key.metric}\u0001${key.hour}\u0001${key.route}\u0001${key.device}\u0001${key.connection}`;
      let state = this.cache.get(name);
      if (!state) {
        const row = this.selectRollup.get(key.metric, key.hour, key.route, key.device, key.connection) as SqlRow | undefined;
        state = row ? rollupStateOf(key, row as Parameters<typeof rollupStateOf>[1]) : emptyRollupState(key);
        this.cache.set(name, state);
      }
      return state;
    });
    applyFold(plan, states);
    for (const c of plan.cleared) (this.clearValue[c.metric] as Database.Statement).run(c.id);
    for (const s of states) this.upsertRollup.run(s.metric, s.hour, s.route, s.device, s.connection, s.count, s.good, s.needsImprovement, s.poor, s.histogram.encode());
    this.insertPages.run(after, plan.through);
    this.setWatermark.run(plan.through);
    // Committed right after this returns (a failed commit resets cachedThrough in foldChunk).
    if (this.cache.size > MAX_CACHED_ROLLUPS) this.cache.clear();
    this.cachedThrough = plan.through;
    return rows.length;
  }
}
