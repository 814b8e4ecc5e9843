/** Performance budgets: the budget file, evaluation against results, and reports. */
export { BudgetEntrySchema, BudgetFileSchema, DEFAULT_BUDGET_FILE, loadBudgetFile, parseBudgetText, type BudgetFileInput } from "./budget-file.js";
export { compileGlob, findFilesMatching, matchGlob, measureBundleSize, type BundleFileSize, type BundleSize } from "./file-glob.js";
export { displayBenchName, evaluateBudgets, exitCodeForBudgetReport } from "./evaluate.js";
export { parseJsonWithLocations, type JsonPosition, type LocatedJson } from "./json-locate.js";
export { describeLimit, formatMetricValue, parseLimitValue } from "./limits.js";
export { findMetric, METRIC_IDS, METRICS, type MetricDefinition, type MetricSource } from "./metrics.js";
export * from "./model.js";
export { describeBudgetVerdict, renderBudgetMarkdown, renderBudgetTerminal } from "./report.js";
export { BenchComparisonsSchema, BenchRunSchema, LoadResultSchema } from "./result-schemas.js";
export { BENCH_COMPARISONS_FILE, BENCH_RUN_FILE, findLatestResults, LOAD_RESULT_FILE, loadResultsFrom, readResultFile } from "./results.js";
