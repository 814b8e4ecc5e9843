/**
 * The part of the library that runs inside the sandboxed child itself: computation on
 * data the script already has, and reading or writing files in its workspace (the
 * permission model stops anything else). Nothing here may start processes, open sockets
 * or load native addons; those calls go through the broker instead. This module is
 * bundled with the child runner, so keep heavy or native dependencies out of it.
 */
export { PerfError, isPerfError, describeError, ExitCode } from "../../core/errors.js";
export * from "../../core/units.js";
export { runAnalyzers } from "../../core/finding.js";
export { wilsonInterval, quantileSorted, median } from "../../core/stats.js";

export { PROFILE_VERSION, listSamples, stackFrames, totalWeight, weightToMs, formatFrame } from "../../profile/model.js";
export { ProfileBuilder, buildProfileFromCallTree, classifyFrameKind } from "../../profile/builder.js";
export { analyzeProfileFile } from "../../profile/run-profile.js";
export { saveProfileArtifacts } from "../../profile/save-artifacts.js";
export { computeCallTree } from "../../profile/analyze/call-tree.js";
export { computeFunctionStats } from "../../profile/analyze/function-stats.js";
export { analyzeProfile, PROFILE_ANALYZERS } from "../../profile/analyze/analyze-profile.js";
export * from "../../profile/import/index.js";
export * from "../../profile/export/index.js";
export * from "../../flamegraph/index.js";
export { renderProfileTerminal, renderProfileMarkdown, renderProfileSummary, renderJson } from "../../report/profile-report.js";

export { parseThreshold, evaluateThresholds } from "../../load/analyze/thresholds.js";
export { findBreakingPoint, levelsFromSteps } from "../../load/analyze/breaking-point.js";
export { analyzeLoadResult } from "../../load/analyze/findings.js";
export { exportToK6Script } from "../../load/export/k6.js";
export { renderLoadTerminal, renderLoadMarkdown, renderLoadSummary, renderLoadHtml, renderBreakingPointSummary, renderBreakingPointTerminal } from "../../report/load-report.js";

// Not `benchmark`/`bench`: they run benchmark files in fresh processes, outside this sandbox.
export { fitComplexity, COMPLEXITY_MODELS } from "../../bench/analyze/complexity-fit.js";
export { computeSampleStats } from "../../bench/analyze/sample-stats.js";
export { compareResults, compareRuns, DEFAULT_ALPHA, DEFAULT_NOISE_BAND } from "../../bench/analyze/compare.js";
export { applyNaiveRule } from "../../bench/analyze/naive-rule.js";
export { testMannWhitney, testWelch } from "../../bench/analyze/significance.js";
export { detectChangePoints } from "../../bench/analyze/change-points.js";
export { readBenchRunFile, parseBenchRun } from "../../bench/read-run-file.js";
export { renderBenchTerminal, renderBenchMarkdown, renderComparisonTerminal, renderComparisonMarkdown, renderVersionsSummary, renderVersionsTerminal } from "../../report/bench-report.js";

export { detectLeak, applyNaiveGrowthRule } from "../../memory/analyze/leak-verdict.js";
export { parseHeapSnapshotFile } from "../../memory/heap/parse-snapshot.js";
export { computeDominators } from "../../memory/heap/dominators.js";
export { summarizeHeap } from "../../memory/heap/summarize-heap.js";
export { findLeakCandidates } from "../../memory/heap/three-snapshot.js";
export { importFromSamplingHeapProfile, importFromHeapProfileText } from "../../memory/alloc/import-sampling-heap.js";
export { listTopAllocationSites } from "../../memory/alloc/top-allocations.js";
export { renderMemoryStatsTerminal, renderMemorySeriesTerminal, describeLeakVerdict } from "../../report/memory-report.js";

export { RUM_METRICS, CORE_WEB_VITALS, RUM_THRESHOLDS, rateRumValue } from "../../web/rum/model.js";
export { renderRumReportTerminal, formatRumValue } from "../../report/rum-report.js";
