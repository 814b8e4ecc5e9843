/**
 * Turns the collector's events into raw beacon rows: the events of one beacon (consecutive,
 * same page and receive time) become one row with a column per metric, which is what makes
 * an insert cost one row per beacon instead of one per metric.
 */
import { PerfError } from "../../../core/errors.js";
import { RUM_METRICS, type RumEvent, type RumMetric } from "../model.js";

/** Metrics with an element to blame, each with its own target column. */
export const ATTRIBUTED_METRICS: readonly RumMetric[] = ["LCP", "INP", "CLS"];

/** Column of each metric, in RUM_METRICS order: the only names that ever reach SQL text from here. */
export const METRIC_COLUMNS: readonly string[] = RUM_METRICS.map((m) => m.toLowerCase());
export const METRIC_INDEX: Readonly<Record<RumMetric, number>> = { LCP: 0, INP: 1, CLS: 2, FCP: 3, TTFB: 4 };
/** Target column per metric index; null for metrics without one. */
export const TARGET_COLUMNS: readonly (string | null)[] = RUM_METRICS.map((m) => (ATTRIBUTED_METRICS.includes(m) ? `${m.toLowerCase()}_target` : null));

export const HOUR_MS = 3_600_000;

export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** The column values of one rum_beacons row, in BEACON_COLUMNS order. */
export type BeaconRow = (string | number | null)[];

export const BEACON_COLUMNS = ["ts", "page_id", "route", "url", "device", "connection", "nav_type", ...METRIC_COLUMNS, "lcp_target", "inp_target", "cls_target", "attribution"] as const;
const FIRST_VALUE = 7;
const FIRST_TARGET = FIRST_VALUE + RUM_METRICS.length;

function startRow(e: RumEvent): BeaconRow {
  return [Math.floor(e.ts), e.pageId, e.route, e.url, e.device, e.connection, e.navigationType, null, null, null, null, null, null, null, null, null];
}

/**
 * Groups consecutive events of one page and receive time into rows. A metric seen twice in
 * one group starts a new row, so the later report still replaces the earlier (in the fold).
 */
export function groupBeaconRows(events: readonly RumEvent[]): BeaconRow[] {
  const rows: BeaconRow[] = [];
  let row: BeaconRow | undefined;
  let attribution: Record<string, unknown> | undefined;
  const finish = (): void => {
    if (row && attribution) row[FIRST_TARGET + 3] = JSON.stringify(attribution);
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as RumEvent;
    const m = METRIC_INDEX[e.metric];
    if (!row || row[0] !== Math.floor(e.ts) || row[1] !== e.pageId || row[FIRST_VALUE + m] !== null) {
      finish();
      row = startRow(e);
      attribution = undefined;
      rows.push(row);
    }
    row[FIRST_VALUE + m] = e.value;
    if (m < 3 && e.target !== undefined) row[FIRST_TARGET + m] = e.target;
    if (e.attribution !== undefined) (attribution ??= {})[e.metric] = e.attribution;
  }
  finish();
  return rows;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f]/;

/** The store's last line of defence against a collector bug: nothing unrateable gets counted. */
export function assertStorableEvents(events: readonly RumEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as RumEvent;
    if (!Object.hasOwn(METRIC_INDEX, e.metric) || !Number.isFinite(e.value) || e.value < 0 || !Number.isFinite(e.ts)) {
      throw new PerfError("USAGE", `RUM event ${i} of ${events.length} cannot be stored: metric ${JSON.stringify(e.metric)}, value ${e.value}, ts ${e.ts}`, {
        hint: "events need one of LCP, INP, CLS, FCP, TTFB, a finite value ≥ 0 and a ts in ms since the epoch; the collector validates beacons before storing them",
      });
    }
    // The fold joins these three with U+0001 (see rollup-fold.ts); the collector never lets control characters through.
    if (CONTROL.test(e.route) || CONTROL.test(e.device) || CONTROL.test(e.connection)) {
      throw new PerfError("USAGE", `RUM event ${i} of ${events.length} cannot be stored: route, device or connection holds a control character`, {
        hint: "the collector validates beacons before storing them; strip control characters from routes",
      });
    }
  }
}
