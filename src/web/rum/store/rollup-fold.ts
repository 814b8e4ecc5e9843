/**
 * The engine-free half of folding raw beacons into rollups. An engine, inside one write
 * transaction that also shuts out other folders, reads the beacons after the watermark (in id
 * order), the earlier folded beacons of the pages among them, and the stored rollup rows the
 * plan touches; this module decides what changes; the engine writes it back and moves the
 * watermark. (pageId, metric) names one measurement: a later report takes the earlier one's
 * value out of its rollup row and NULLs it on the raw row, so raw rows and rollups agree.
 */
import { rateRumValue, RUM_METRICS, type RumMetric } from "../model.js";
import { hourOf } from "./beacon-rows.js";
import { LogHistogram } from "./log-histogram.js";

/** A store folds its own inserts into the rollups at most this often (queries fold first anyway). */
export const FOLD_INTERVAL_MS = 1000;

/** Beacons read per fold transaction on PostgreSQL: big enough to share each rollup row's read and write among many beacons, small enough to hold the write lock briefly and the chunk's rows in little memory. */
export const FOLD_CHUNK_ROWS = 5_000;

/**
 * SQLite folds on the thread that writes the beacons, and a chunk holds that thread: 5,000
 * rows took ~37 ms, which every waiting beacon felt (collector p99 85 ms under a flood);
 * 1,000 take ~7 ms (p99 35 ms) at the same rate on the bench's beacons (50 routes). The rollup
 * rows stay cached between chunks, but each chunk writes back every row it touched and commits
 * (with `durability: "full"`, an fsync): with many route × device × connection keys per hour,
 * smaller chunks write more.
 */
export const SQLITE_FOLD_CHUNK_ROWS = 1_000;

/** What the fold needs of a raw beacon row; `values` in RUM_METRICS order, null where absent or superseded. */
export interface FoldRow {
  id: number;
  ts: number;
  pageId: string;
  /** route, device and connection joined by U+0001 (never in a validated route): one string per row, split only once per rollup key. */
  dims: string;
  values: (number | null)[];
  /** The page's previous row in this fold, if any (set by planFold). */
  previous?: FoldRow | undefined;
}

const DIMS_SEPARATOR = "\u0001";

/** SQL for FoldRow.dims over the rum_beacons columns of table `alias`. (PostgreSQL text cannot hold NUL, hence U+0001.) */
export function dimsSql(dialect: "sqlite" | "postgres", alias: string): string {
  const separator = dialect === "sqlite" ? "char(1)" : "chr(1)";
  return `${alias}route || ${separator} || ${alias}device || ${separator} || ${alias}connection`;
}

export interface RollupKey {
  metric: RumMetric;
  hour: number;
  route: string;
  device: string;
  connection: string;
}

export interface RollupState extends RollupKey {
  count: number;
  good: number;
  needsImprovement: number;
  poor: number;
  histogram: LogHistogram;
}

export interface FoldPlan {
  /** Rollup rows to read (and write back), in the order `applyFold` expects their states. */
  keys: RollupKey[];
  /** Per value: its key's index + 1 to add it, or −(index + 1) to take it back; flat arrays, as there is one per value. */
  opKeys: number[];
  opValues: number[];
  /** Raw cells whose report was superseded: set to NULL (with the target). */
  cleared: { id: number; metric: number }[];
  /** The last beacon id folded: the new watermark. */
  through: number;
}

/**
 * Plans the fold of `rows` (id order, all after the watermark). `folded` are the already
 * folded beacons of pages that `rows` report again; after every fold at most one beacon of a
 * page holds a value of each metric, so each later report replaces exactly one earlier value.
 * Superseded values are NULLed in the given row objects too.
 */
export function planFold(rows: readonly FoldRow[], folded: readonly FoldRow[]): FoldPlan {
  /** The newest row of each page; older ones hang off `previous`. */
  const latest = new Map<string, FoldRow>();
  for (const old of [...folded].sort((a, b) => a.id - b.id)) {
    old.previous = latest.get(old.pageId);
    latest.set(old.pageId, old);
  }
  const plan: FoldPlan = { keys: [], opKeys: [], opValues: [], cleared: [], through: 0 };
  // (hour, dims) → key index per metric, -1 until first used.
  const slots = new Map<string, number[]>();
  let hour = Number.NaN;
  let hourText = "";
  const slotOf = (row: FoldRow): number[] => {
    const rowHour = hourOf(row.ts);
    if (rowHour !== hour) {
      hour = rowHour;
      hourText = String(rowHour);
    }
    const text = `${hourText}${DIMS_SEPARATOR}${row.dims}`;
    let slot = slots.get(text);
    if (!slot) {
      slot = [-1, -1, -1, -1, -1];
      slots.set(text, slot);
    }
    return slot;
  };
  const keyOf = (row: FoldRow, slot: number[], metric: number): number => {
    let index = slot[metric] as number;
    if (index < 0) {
      index = plan.keys.length;
      slot[metric] = index;
      const [route = "", device = "", connection = ""] = row.dims.split(DIMS_SEPARATOR);
      plan.keys.push({ metric: RUM_METRICS[metric] as RumMetric, hour: hourOf(row.ts), route, device, connection });
    }
    return index;
  };
  for (const row of rows) {
    const earlier = latest.get(row.pageId);
    const slot = slotOf(row);
    for (let m = 0; m < row.values.length; m++) {
      const value = row.values[m];
      if (value === null || value === undefined) continue;
      for (let old = earlier; old; old = old.previous) {
        const oldValue = old.values[m];
        if (oldValue === null || oldValue === undefined) continue;
        plan.opKeys.push(-(keyOf(old, slotOf(old), m) + 1));
        plan.opValues.push(oldValue);
        plan.cleared.push({ id: old.id, metric: m });
        old.values[m] = null;
      }
      plan.opKeys.push(keyOf(row, slot, m) + 1);
      plan.opValues.push(value);
    }
    // Later rows of this chunk may replace this one's values.
    row.previous = earlier;
    latest.set(row.pageId, row);
    plan.through = row.id;
  }
  return plan;
}

export function emptyRollupState(key: RollupKey): RollupState {
  return { metric: key.metric, hour: key.hour, route: key.route, device: key.device, connection: key.connection, count: 0, good: 0, needsImprovement: 0, poor: 0, histogram: new LogHistogram() };
}

/** Reads a stored rollup row (count, good, ni, poor, histogram; PostgreSQL BIGINTs arrive as text). */
export function rollupStateOf(key: RollupKey, row: { count: unknown; good: unknown; ni: unknown; poor: unknown; histogram: unknown }): RollupState {
  return { ...emptyRollupState(key), count: Number(row.count), good: Number(row.good), needsImprovement: Number(row.ni), poor: Number(row.poor), histogram: LogHistogram.decode(row.histogram as Uint8Array) };
}

/**
 * Applies the plan to the stored states (one per plan key, empty where none was stored).
 * Ratings are taken again from the value and RUM_THRESHOLDS, so shares never rest on a
 * client's claim.
 */
export function applyFold(plan: FoldPlan, states: readonly RollupState[]): void {
  for (let i = 0; i < plan.opKeys.length; i++) {
    const op = plan.opKeys[i] as number;
    const value = plan.opValues[i] as number;
    const sign = op > 0 ? 1 : -1;
    const state = states[op * sign - 1] as RollupState;
    const rating = rateRumValue(state.metric, value);
    state.count += sign;
    if (rating === "good") state.good += sign;
    else if (rating === "poor") state.poor += sign;
    else state.needsImprovement += sign;
    if (sign === 1) state.histogram.add(value);
    else state.histogram.remove(value);
  }
}
