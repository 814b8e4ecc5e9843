/** Chrome UX Report field data: importers, comparison with your own RUM, and its text report. */
export {
  CRUX_API_METRIC_NAMES,
  CRUX_FIELD_DATA_VERSION,
  CRUX_METRICS,
  RETIRED_CRUX_METRICS,
  rateCruxValue,
  thresholdsOf,
  type CruxFieldData,
  type CruxFormFactor,
  type CruxKey,
  type CruxMetric,
  type CruxMetricData,
  type CruxPeriod,
  type CruxPoint,
  type CruxRecord,
  type CruxShares,
  type CruxSource,
} from "./model.js";
export { estimateP75FromBins, sharesFromBins, type CruxBin } from "./histogram.js";
export { importFromCruxApi, type CruxImportOptions } from "./import-api.js";
export { importFromCruxHistoryApi } from "./import-history-api.js";
export { importFromCruxBigQuery } from "./import-bigquery.js";
export { KNOWN_CRUX_FORMATS, detectAndImportCrux, importCruxFile } from "./detect.js";
export { compareWithCrux, describeCruxDims, describeCruxScope, formatCruxValue, type CompareWithCruxOptions, type CruxComparison, type CruxMetricComparison, type FieldSummary } from "./compare.js";
export { renderCruxComparison } from "./render.js";
