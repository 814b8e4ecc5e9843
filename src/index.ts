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
