import { z } from "zod";
import { HISTORY_HINT, cruxKeySchema, cruxPeriodSchema, isRetired, partitionApiMetrics, recordOf, toCruxKey, toCruxPeriod } from "./api-shared.js";
import { sharesFromBins } from "./histogram.js";
import type { CruxImportOptions } from "./import-api.js";
import { CRUX_FIELD_DATA_VERSION, latestPointWithData, type CruxFieldData, type CruxMetricData, type CruxPeriod, type CruxPoint } from "./model.js";
import { malformedCrux, numberLike, numberOrNaN, optionalNumber, parseOrThrow } from "./validate.js";

/**
 * The CrUX History API's `records:queryHistoryRecord` answer: like queryRecord with plural
 * keys — `collectionPeriods[]`, per metric `histogramTimeseries: [{start, end?, densities[]}]`
 * and `percentilesTimeseries: { p75s[] }`, every array aligned with collectionPeriods. A period
 * without enough data has densities "NaN" and p75 null.
 */
const binSchema = z.object({ start: numberLike, end: optionalNumber, densities: z.array(numberOrNaN) });
const metricSchema = z.object({
  histogramTimeseries: z.array(binSchema).min(1),
  percentilesTimeseries: z.object({ p75s: z.array(numberOrNaN) }),
});
const WHAT = "CrUX History API (records:queryHistoryRecord) answer";

/** Imports a CrUX History API answer; null when the value is not one. */
export function importFromCruxHistoryApi(json: unknown, options: CruxImportOptions = {}): CruxFieldData | null {
  const record = recordOf(json);
  if (record === null || !("collectionPeriods" in record)) return null;
  const file = options.file ?? "crux-history.json";
  const where = { file };
  const key = parseOrThrow(cruxKeySchema, record.key, "record.key", WHAT, where, HISTORY_HINT);
  const periods = parseOrThrow(z.array(cruxPeriodSchema).min(1), record.collectionPeriods, "record.collectionPeriods", WHAT, where, HISTORY_HINT).map(toCruxPeriod);
  const metricsValue = parseOrThrow(z.record(z.unknown()), record.metrics, "record.metrics", WHAT, where, HISTORY_HINT);
  const { known, extra } = partitionApiMetrics(metricsValue);
  const metrics: CruxMetricData[] = known.map(({ name, metric, raw }) => {
    const prefix = `record.metrics.${name}`;
    const m = parseOrThrow(metricSchema, raw, prefix, WHAT, where, HISTORY_HINT);
    const misaligned = (path: string, length: number) =>
      malformedCrux(`${file}: not a valid ${WHAT}: ${prefix}.${path} has ${length} entries but record.collectionPeriods has ${periods.length}`, where, HISTORY_HINT);
    m.histogramTimeseries.forEach((b, i) => {
      if (b.densities.length !== periods.length) throw misaligned(`histogramTimeseries[${i}].densities`, b.densities.length);
    });
    if (m.percentilesTimeseries.p75s.length !== periods.length) throw misaligned("percentilesTimeseries.p75s", m.percentilesTimeseries.p75s.length);
    const series: CruxPoint[] = periods.map((period, i) => {
      const bins = m.histogramTimeseries.map((b) => ({ start: b.start, end: b.end, density: b.densities[i]! }));
      const p75 = m.percentilesTimeseries.p75s[i]!;
      return {
        period,
        p75: Number.isNaN(p75) ? null : p75,
        p75Estimated: false,
        shares: bins.some((b) => Number.isNaN(b.density)) ? null : sharesFromBins(metric, bins),
      };
    });
    const head = latestPointWithData(series) ?? { period: periods[periods.length - 1]!, p75: null, p75Estimated: false, shares: null };
    return { metric, sourceName: name, retired: isRetired(metric), ...head, series };
  });
  const last: CruxPeriod = periods[periods.length - 1]!;
  return {
    version: CRUX_FIELD_DATA_VERSION,
    source: "crux-history-api",
    file,
    records: [{ key: toCruxKey(key), period: last, periods, metrics, extraMetrics: extra }],
    notes: [],
  };
}
