import { z } from "zod";
import { API_HINT, cruxKeySchema, cruxPeriodSchema, isRetired, partitionApiMetrics, recordOf, toCruxKey, toCruxPeriod } from "./api-shared.js";
import { sharesFromBins } from "./histogram.js";
import { CRUX_FIELD_DATA_VERSION, type CruxFieldData, type CruxMetricData } from "./model.js";
import { isObject, numberLike, optionalNumber, parseOrThrow } from "./validate.js";

/**
 * The CrUX API's `records:queryRecord` answer: `{ record: { key, metrics: { name: {
 * histogram: [{start, end?, density}], percentiles: { p75 } } }, collectionPeriod },
 * urlNormalizationDetails? }`. The three bins are the good / needs-improvement / poor bands;
 * CLS bins and p75 are strings ("0.10").
 */
export interface CruxImportOptions {
  file?: string;
}

const binSchema = z.object({ start: numberLike, end: optionalNumber, density: numberLike });
const metricSchema = z.object({ histogram: z.array(binSchema).min(1), percentiles: z.object({ p75: numberLike }) });

function isHistoryShaped(record: Record<string, unknown>): boolean {
  if ("collectionPeriods" in record) return true;
  const metrics = isObject(record.metrics) ? Object.values(record.metrics) : [];
  return metrics.some((m) => isObject(m) && ("histogramTimeseries" in m || "percentilesTimeseries" in m || "fractionTimeseries" in m));
}

/** Imports a CrUX API answer; null when the value is not one. */
export function importFromCruxApi(json: unknown, options: CruxImportOptions = {}): CruxFieldData | null {
  const record = recordOf(json);
  if (record === null || isHistoryShaped(record)) return null;
  const file = options.file ?? "crux-api.json";
  const where = { file };
  const what = "CrUX API (records:queryRecord) answer";
  const key = parseOrThrow(cruxKeySchema, record.key, "record.key", what, where, API_HINT);
  const period = record.collectionPeriod === undefined ? null : toCruxPeriod(parseOrThrow(cruxPeriodSchema, record.collectionPeriod, "record.collectionPeriod", what, where, API_HINT));
  const metricsValue = parseOrThrow(z.record(z.unknown()), record.metrics, "record.metrics", what, where, API_HINT);
  const { known, extra } = partitionApiMetrics(metricsValue);
  const metrics: CruxMetricData[] = known.map(({ name, metric, raw }) => {
    const m = parseOrThrow(metricSchema, raw, `record.metrics.${name}`, what, where, API_HINT);
    return {
      metric,
      sourceName: name,
      retired: isRetired(metric),
      period,
      p75: m.percentiles.p75,
      p75Estimated: false,
      shares: sharesFromBins(metric, m.histogram),
    };
  });
  return {
    version: CRUX_FIELD_DATA_VERSION,
    source: "crux-api",
    file,
    records: [{ key: toCruxKey(key), period, metrics, extraMetrics: extra }],
    notes: [],
  };
}
