/**
 * The public door to field data: `getRumData(query)` reads the default store (or the one
 * named in `query.store`) and closes it again; `getRumData(source, query)` reads a store the
 * caller holds open. The brief's fourth example is the first form:
 *
 *   const rum = await getRumData({ metric: "core_web_vitals", timeRange: "24h", sampleSize: 10000 });
 *   rum.metrics.LCP?.p75; rum.metrics.CLS?.rating; rum.samples?.map((view) => view.lcp);
 */
import { openRumStore } from "./open-rum-store.js";
import { getRumData as queryRumData } from "./query/get-rum-data.js";
import type { RumQuery, RumReport } from "./query/rum-report.js";
import type { RumQuerySource } from "./store/rum-query-source.js";

export interface RumDataQuery extends RumQuery {
  /** A SQLite file or postgres:// URL; default .perfscope/rum.sqlite in the working folder. */
  store?: string;
}

/**
 * Field Core Web Vitals from the RUM store: p50/p75/p95, good/needs-improvement/poor shares
 * and rating per metric, slowest routes, common attribution, daily trend and regression
 * alert; `sampleSize` adds that many page views as `samples`. In run_script the store is
 * the server's (`perfscope mcp --rum-store`), so `query.store` is not used there.
 */
export async function getRumData(query: RumDataQuery): Promise<RumReport>;
/** The same, against a store the caller holds open. */
export async function getRumData(source: RumQuerySource, query: RumQuery): Promise<RumReport>;
export async function getRumData(first: RumDataQuery | RumQuerySource, second?: RumQuery): Promise<RumReport> {
  if (second !== undefined) return queryRumData(first as RumQuerySource, second);
  const { store: spec, ...query } = first as RumDataQuery;
  const store = await openRumStore(spec);
  try {
    return await queryRumData(store, query);
  } finally {
    await store.close();
  }
}
