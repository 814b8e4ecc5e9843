import { z } from "zod";
import { CRUX_API_METRIC_NAMES, RETIRED_CRUX_METRICS, formatCruxDate, type CruxKey, type CruxMetric, type CruxPeriod } from "./model.js";
import { cruxDateSchema, isObject, type Json } from "./validate.js";

/** What the CrUX API and its History API share: the record key, dates and metric naming. */
export const cruxKeySchema = z
  .object({
    origin: z.string().optional(),
    url: z.string().optional(),
    formFactor: z.enum(["ALL_FORM_FACTORS", "PHONE", "DESKTOP", "TABLET"]).optional(),
    effectiveConnectionType: z.string().optional(),
  })
  .superRefine((k, ctx) => {
    if (k.origin === undefined && k.url === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "needs `origin` or `url`" });
  });

export const cruxPeriodSchema = z.object({ firstDate: cruxDateSchema, lastDate: cruxDateSchema });

export function toCruxKey(k: z.output<typeof cruxKeySchema>): CruxKey {
  const key: CruxKey = { formFactor: k.formFactor ?? "ALL_FORM_FACTORS" };
  if (k.origin !== undefined) key.origin = k.origin;
  if (k.url !== undefined) key.url = k.url;
  if (k.effectiveConnectionType !== undefined) key.effectiveConnectionType = k.effectiveConnectionType;
  return key;
}

export function toCruxPeriod(p: z.output<typeof cruxPeriodSchema>): CruxPeriod {
  return {
    firstDate: formatCruxDate(p.firstDate.year, p.firstDate.month, p.firstDate.day),
    lastDate: formatCruxDate(p.lastDate.year, p.lastDate.month, p.lastDate.day),
  };
}

export const isRetired = (metric: CruxMetric): boolean => RETIRED_CRUX_METRICS.includes(metric);

/**
 * Splits a record's metrics into the ones perfscope compares and the rest. When a metric is
 * there under both its experimental and its final name (INP in 2023), the final one wins.
 */
export function partitionApiMetrics(metrics: Json): { known: Array<{ name: string; metric: CruxMetric; raw: unknown }>; extra: string[] } {
  const known = new Map<CruxMetric, { name: string; metric: CruxMetric; raw: unknown }>();
  const extra: string[] = [];
  for (const [name, raw] of Object.entries(metrics)) {
    const metric = CRUX_API_METRIC_NAMES[name];
    if (metric === undefined) {
      extra.push(name);
      continue;
    }
    const seen = known.get(metric);
    if (seen && !name.startsWith("experimental_")) {
      extra.push(seen.name);
      known.set(metric, { name, metric, raw });
    } else if (seen) extra.push(name);
    else known.set(metric, { name, metric, raw });
  }
  return { known: [...known.values()], extra };
}

/** The `record` of an API answer when it looks like one: `{ record: { key, metrics, ... } }`. */
export function recordOf(input: unknown): Json | null {
  if (!isObject(input) || !isObject(input.record)) return null;
  const record = input.record;
  return isObject(record.metrics) || isObject(record.key) ? record : null;
}

export const API_HINT =
  "Save the CrUX API answer unchanged, e.g. `curl -s -X POST 'https://chromeuxreport.googleapis.com/v1/records:queryRecord?key=KEY' -d '{\"origin\":\"https://example.com\"}' > crux.json`.";
export const HISTORY_HINT =
  "Save the CrUX History API answer unchanged, e.g. `curl -s -X POST 'https://chromeuxreport.googleapis.com/v1/records:queryHistoryRecord?key=KEY' -d '{\"origin\":\"https://example.com\"}' > crux-history.json`.";
