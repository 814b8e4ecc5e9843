/**
 * perfscope's public API: named exports only. Everything here returns plain,
 * JSON-serialisable data; nothing prints.
 */
export { PerfError, isPerfError, describeError, ExitCode, type PerfErrorCode, type ErrorLocation } from "./core/errors.js";
export * from "./core/units.js";
export { runAnalyzers, type Finding, type FindingEvidence, type Severity, type Analyzer, type AnalyzerMeta } from "./core/finding.js";
export { wilsonInterval, quantileSorted, median } from "./core/stats.js";
export { createRunOutput, type RunOutput } from "./core/run-output.js";

export {
  PROFILE_VERSION,
  listSamples,
  stackFrames,
  totalWeight,
  weightToMs,
  formatFrame,
  type Profile,
  type Frame,
  type FrameKind,
  type ProfileMeta,
  type ProfileUnit,
  type SampleView,
} from "./profile/model.js";
export { ProfileBuilder, buildProfileFromCallTree, classifyFrameKind, type FrameInput, type CallTreeInput } from "./profile/builder.js";
export { resolveProfileTarget, type ProfileTarget } from "./profile/target.js";
export { profile, analyzeProfileFile, type ProfileOptions, type ProfileRunResult, type AnalyzeFileOptions } from "./profile/run-profile.js";
export { saveProfileArtifacts, type ProfileFiles } from "./profile/save-artifacts.js";

export { computeCallTree, type CallTree } from "./profile/analyze/call-tree.js";
export { computeFunctionStats, type FunctionStat } from "./profile/analyze/function-stats.js";
export { analyzeProfile, PROFILE_ANALYZERS, type ProfileAnalysis, type Bottleneck, type HeavyPath, type AnalyzeOptions } from "./profile/analyze/analyze-profile.js";

export * from "./profile/collect/index.js";
export * from "./profile/import/index.js";
export * from "./profile/export/index.js";
export * from "./flamegraph/index.js";

export { renderProfileTerminal, renderProfileMarkdown, renderProfileSummary, renderJson } from "./report/profile-report.js";
export { createMcpServer, serveMcpStdio } from "./mcp/server.js";
export { PERFSCOPE_VERSION } from "./version.js";

export type { LoadOptions, LoadResult, LoadProgress, LatencySummary, LoadStage, RequestSpec, ThresholdResult, TimelinePoint, GeneratorCheck, LoadErrorKind } from "./load/model.js";
export { runLoadTest } from "./load/run-load-test.js";
export { parseThreshold, evaluateThresholds } from "./load/analyze/thresholds.js";
export { findBreakingPoint, levelsFromSteps } from "./load/analyze/breaking-point.js";
export { findBreakingPointForTarget, type BreakingPointKind } from "./load/analyze/breaking-point-target.js";
export { analyzeLoadResult } from "./load/analyze/findings.js";
export { exportToK6Script } from "./load/export/k6.js";
export { renderLoadTerminal, renderLoadMarkdown, renderLoadSummary, renderLoadHtml, renderBreakingPointTerminal, renderBreakingPointSummary } from "./report/load-report.js";

export * from "./bench/model.js";
export { bench, type BenchFn, type BenchOptions } from "./bench/define.js";
export { benchmark, summarizeStats, type BenchmarkOptions, type BenchmarkSummary, type BenchmarkReport } from "./bench/benchmark.js";
export { benchmarkVersions, WORKING_TREE, type VersionsOptions, type VersionsResult, type VersionOutcome, type VersionStep, type VersionsProgress } from "./bench/run/versions.js";
export { runBenchSuite, type BenchSuiteOptions, type BenchSuiteProgress } from "./bench/run/run-suite.js";
export { runBenchmarkProcess, listBenchmarks, type BenchProcessRequest, type BenchProcessOutcome } from "./bench/run/run-process.js";
export { discoverBenchFiles } from "./bench/run/discover.js";
export { runCommandBenchmarks, expandParameterScan, type CommandBenchOptions, type CommandBenchProgress, type ParameterScan } from "./bench/run/commands.js";
export { complexity, type ComplexityOptions, type ComplexityResult, type ComplexitySizeTiming } from "./bench/run/complexity-run.js";
export { fitComplexity, COMPLEXITY_MODELS, type ComplexityFit, type ComplexityModel, type ModelFit } from "./bench/analyze/complexity-fit.js";
export { computeSampleStats } from "./bench/analyze/sample-stats.js";
export { compareResults, compareRuns, DEFAULT_ALPHA, DEFAULT_NOISE_BAND, type CompareOptions, type RunComparison } from "./bench/analyze/compare.js";
export { applyNaiveRule } from "./bench/analyze/naive-rule.js";
export { testMannWhitney, testWelch } from "./bench/analyze/significance.js";
export { detectChangePoints, type ChangePoint, type ChangePointInput, type ChangePointOptions } from "./bench/analyze/change-points.js";
export { analyzeHistory, type BenchTrend, type HistoryQuery } from "./bench/analyze/history-trend.js";
export { collectMachineInfo, readGitInfo } from "./bench/machine.js";
export { saveBenchRun, type SavedBenchRun } from "./bench/save-run.js";
export { readBenchRunFile, parseBenchRun } from "./bench/read-run-file.js";
export { openHistoryStore, DEFAULT_HISTORY_FILE, type HistoryStore, type RunFilter, type SeriesQuery, type SeriesPoint, type StoredRunSummary } from "./store/history-store.js";
export * from "./budgets/index.js";
export {
  renderBenchTerminal,
  renderBenchMarkdown,
  renderComparisonTerminal,
  renderComparisonMarkdown,
  renderVersionsTerminal,
  renderVersionsSummary,
} from "./report/bench-report.js";
export { renderHistoryTerminal } from "./report/bench-history-report.js";

export * from "./memory/model.js";
export { getMemoryStats, type MemoryStatsTarget, type MemoryStatsResult, type GetMemoryStatsOptions } from "./memory/collect/get-memory-stats.js";
export { readProcMemory } from "./memory/collect/proc-memory.js";
export { openV8MemorySession, type V8MemorySession } from "./memory/collect/v8-memory.js";
export { watchMemory, type WatchMemoryOptions, type WatchMemoryTarget, type WatchMemoryProgress } from "./memory/collect/watch-memory.js";
export { detectLeak, applyNaiveGrowthRule, type DetectLeakOptions, type NaiveGrowthResult } from "./memory/analyze/leak-verdict.js";
export { findLeaks, describeLeakCandidates, type FindLeaksOptions, type FindLeaksResult, type LeakAction } from "./memory/find-leaks.js";
export { takeHeapSnapshot } from "./memory/heap/take-snapshot.js";
export { parseHeapSnapshotFile } from "./memory/heap/parse-snapshot.js";
export type { HeapGraph } from "./memory/heap/heap-graph.js";
export { computeDominators } from "./memory/heap/dominators.js";
export { summarizeHeap, type HeapSummary, type ConstructorSummary } from "./memory/heap/summarize-heap.js";
export { findLeakCandidates, type LeakCandidates, type LeakCandidateGroup } from "./memory/heap/three-snapshot.js";
export { profileAllocations, type AllocationProfileOptions, type AllocationProfileResult } from "./memory/alloc/collect-allocations.js";
export { collectAllocationProfile, type SamplingHeapProfile, type AllocationView } from "./memory/alloc/sampling-heap.js";
export { importFromSamplingHeapProfile, importFromHeapProfileText } from "./memory/alloc/import-sampling-heap.js";
export { listTopAllocationSites, type AllocationSite } from "./memory/alloc/top-allocations.js";
export { renderMemoryStatsTerminal, renderMemorySeriesTerminal, describeLeakVerdict } from "./report/memory-report.js";

export * from "./web/rum/model.js";
export { getRumData, type RumDataQuery } from "./web/rum/rum-data.js";
export type { RumQuery, RumReport, RumMetricReport, RumStats, RumGroup, RumSlowRoute, RumAttribution as RumAttributionSummary, RumAttributionTarget, RumTrendDay, RumRegression, RumPageView, RumGroupBy, RumTimeRange } from "./web/rum/query/rum-report.js";
export { openRumStore, DEFAULT_RUM_STORE, type OpenRumStoreOptions } from "./web/rum/open-rum-store.js";
export { openSqliteRumStore } from "./web/rum/store/sqlite-rum-store.js";
export { openPostgresRumStore } from "./web/rum/store/postgres-rum-store.js";
export type { RumQuerySource } from "./web/rum/store/rum-query-source.js";
export { startRumCollector, startRumCollectorThread, type RumCollectorThread, type RumCollectorThreadOptions, normalizeRoute, classifyDevice, classifyUserAgent, validateRumBeacon, type RumCollector, type RumCollectorOptions, type RumCollectorStats, type RouteRule } from "./web/rum/collect/index.js";
export { findRumSnippetFile, type RumSnippetKind } from "./web/rum/client/snippet-files.js";
export * from "./web/rum/crux/index.js";
export { renderRumReportTerminal, formatRumValue, hasRumRegression } from "./report/rum-report.js";
