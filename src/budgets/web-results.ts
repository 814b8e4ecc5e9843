/**
 * Web-vitals budgets read field data: the p75 of each metric over the last 24 hours from the
 * project's RUM store (`.perfscope/rum.sqlite`, written by `perfscope rum serve`), overall
 * and per route. A page budget names a route ("/product/:id") or a path, which is folded the
 * way the collector folds URLs.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { normalizePath } from "../web/rum/collect/normalize-route.js";
import { RUM_METRICS, type RumMetric } from "../web/rum/model.js";
import { DEFAULT_RUM_STORE, openRumStore } from "../web/rum/open-rum-store.js";
import { getRumData } from "../web/rum/query/get-rum-data.js";
import type { RumReport } from "../web/rum/query/rum-report.js";

export interface WebFieldResults {
  /** Where the data came from, for evidence. */
  source: string;
  report: RumReport;
}

/** The RUM store's last 24 hours, when the project has a store; undefined otherwise. */
export async function readWebFieldResults(cwd: string, store?: string): Promise<WebFieldResults | undefined> {
  const spec = store ?? DEFAULT_RUM_STORE;
  if (!store && !(await stat(join(cwd, spec)).catch(() => null))) return undefined;
  const opened = await openRumStore(spec, { cwd });
  try {
    const report = await getRumData(opened, { metric: [...RUM_METRICS], timeRange: "24h", groupBy: "route", limit: 1000 });
    return { source: store ?? spec, report };
  } finally {
    await opened.close();
  }
}

export interface WebObservation {
  value: number | null;
  count: number;
  route: string;
}

/** p75 of `vital` for a page ("*" = every page), or null with count 0 when nothing was measured. */
export function observeWebVital(results: WebFieldResults, vital: string, page: string): WebObservation {
  const metric = vital.toUpperCase() as RumMetric;
  const report = results.report.metrics[metric];
  if (!report) return { value: null, count: 0, route: page };
  if (page === "*") return { value: report.p75, count: report.count, route: "*" };
  const wanted = [page, normalizePath(page)];
  const group = report.groups?.find((g) => wanted.includes(g.key));
  return { value: group?.p75 ?? null, count: group?.count ?? 0, route: group?.key ?? wanted[1] ?? page };
}
