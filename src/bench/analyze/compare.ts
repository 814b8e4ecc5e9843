/**
 * Compares a candidate benchmark result with a baseline: the ratio of medians with a
 * bootstrap interval, a significance test, and a verdict that calls a change only when it
 * is both significant and larger than the noise band.
 *
 * Why per-process medians: fresh processes differ from each other (JIT decisions, memory
 * layout) more than samples within one process do. A test on pooled samples treats all
 * samples as independent and so flags identical code as changed far more often than α.
 * With ≥3 processes per side the unit of replication is the process, so the test runs on
 * the per-process medians (Welch t on their logarithms: changes are ratios).
 */
import { isPerfError, PerfError } from "../../core/errors.js";
import { quantileSorted } from "../../core/stats.js";
import type { BenchComparison, BenchResult, BenchRun, CompletedBenchResult, Verdict } from "../model.js";
import { bootstrapMedians, describeBootstrap, HIERARCHICAL_MIN_PROCESSES, isHierarchical } from "./bootstrap.js";
import { medianOfSorted, prepareSamples, toPlainArray, type PreparedSamples } from "./prepared-samples.js";
import { createRandom } from "./random.js";
import { DEFAULT_RESAMPLES, DEFAULT_SEED, validateResamples, validateSamples } from "./sample-stats.js";
import { testPaired } from "./paired-test.js";
import { testMannWhitney, testWelch } from "./significance.js";

export interface CompareOptions {
  /** Relative changes within ±noiseBand are never a change. Default 0.02 (2%). */
  noiseBand?: number;
  /** Significance level of the test. Default 0.01. */
  alpha?: number;
  /** Bootstrap seed; the same inputs and seed give the same interval. Default 1. */
  seed?: number;
  /** Bootstrap resamples for the ratio interval, at least 100. Default 2000. */
  resamples?: number;
  /**
   * The two sides ran interleaved, process i of each in the same round (benchmarkVersions
   * does this): test the per-round differences, which cancels machine drift. Ignored when
   * the process counts differ.
   */
  paired?: boolean;
}

export const DEFAULT_NOISE_BAND = 0.02;
export const DEFAULT_ALPHA = 0.01;
const CI_LEVEL = 0.95;

interface TestOutcome {
  pValue: number;
  /** Set by tests that carry their own estimate and interval of the ratio. */
  ratio?: number;
  ratioCi?: { low: number; high: number; level: number };
  /** +1 when the test says the candidate is slower, −1 faster, 0 no direction. */
  direction: number;
  description: string;
  warnings: string[];
}

export function compareResults(baseline: CompletedBenchResult, candidate: CompletedBenchResult, options: CompareOptions = {}): BenchComparison {
  const { noiseBand, alpha, resamples, seed } = resolveOptions(options);
  validateSamples(baseline.samplesByProcess);
  validateSamples(candidate.samplesByProcess);
  const base = prepareSamples(baseline.samplesByProcess);
  const cand = prepareSamples(candidate.samplesByProcess);
  const baselineMedian = medianOfSorted(base.pooled);
  const candidateMedian = medianOfSorted(cand.pooled);
  if (!(baselineMedian > 0)) {
    throw new PerfError("MALFORMED_INPUT", `baseline "${baseline.name}" has a median of ${baselineMedian} ns: no ratio can be formed`, { hint: "check the baseline's samples; a time per operation must be above 0" });
  }
  let ratio = candidateMedian / baselineMedian;

  const random = createRandom(seed);
  const baseReplicates = bootstrapMedians(base, resamples, random);
  const candReplicates = bootstrapMedians(cand, resamples, random);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) if (baseReplicates[i]! > 0) ratios.push(candReplicates[i]! / baseReplicates[i]!);
  ratios.sort((x, y) => x - y);
  const alphaHalf = (1 - CI_LEVEL) / 2;
  // Every baseline replicate can only be 0 when most baseline samples are 0 ns; then no interval exists.
  let ratioCi = ratios.length > 0 ? { low: quantileSorted(ratios, alphaHalf), high: quantileSorted(ratios, 1 - alphaHalf), level: CI_LEVEL } : { low: ratio, high: ratio, level: CI_LEVEL };

  const pairedOk = options.paired === true && isHierarchical(base) && isHierarchical(cand) && base.processes.length === cand.processes.length;
  const test = pairedOk ? runPairedTest(base, cand) : runTest(base, cand);
  // Paired rounds: the estimate is the geometric mean of the per-round ratios, the one the
  // test and its interval are about. Pooled medians mix rounds run at different machine speeds.
  if (pairedOk && test.ratioCi && test.ratio !== undefined) {
    ratioCi = test.ratioCi;
    ratio = test.ratio;
  }
  const warnings = [...test.warnings];
  if (!baseline.stats.fitToCompare) for (const w of baseline.stats.warnings) warnings.push(`baseline: ${w}`);
  if (!candidate.stats.fitToCompare) for (const w of candidate.stats.warnings) warnings.push(`candidate: ${w}`);

  const significant = test.pValue < alpha;
  const ratioDirection = ratio > 1 + noiseBand ? 1 : ratio < 1 - noiseBand ? -1 : 0;
  let verdict: Verdict = "no-change";
  if (significant && ratioDirection !== 0) {
    if (test.direction === ratioDirection) verdict = ratioDirection > 0 ? "slower" : "faster";
    else warnings.push("the test and the ratio of medians point in opposite directions: reported as no change");
  }

  const ciMethod = pairedOk ? "geometric mean of the per-round ratios with its paired t interval" : describeRatioCi(base, cand, resamples);
  const method = `${test.description}, α=${alpha}, noise band ±${Number((noiseBand * 100).toFixed(2))}%; ratio CI: ${ciMethod}`;
  return {
    name: candidate.name,
    ...(candidate.params ? { params: { ...candidate.params } } : {}),
    baselineMedian,
    candidateMedian,
    ratio,
    ratioCi,
    pValue: test.pValue,
    verdict,
    noiseBand,
    method,
    warnings,
  };
}

function resolveOptions(options: CompareOptions): Required<CompareOptions> {
  const noiseBand = options.noiseBand ?? DEFAULT_NOISE_BAND;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const resamples = validateResamples(options.resamples ?? DEFAULT_RESAMPLES);
  if (!(noiseBand >= 0 && noiseBand < 1)) throw new PerfError("USAGE", `noise band must be a fraction from 0 up to 1 (got ${noiseBand})`, { hint: "0.02 means changes within ±2% are noise" });
  if (!(alpha > 0 && alpha < 1)) throw new PerfError("USAGE", `alpha must be between 0 and 1 (got ${alpha})`, { hint: "0.01 is the default significance level" });
  return { noiseBand, alpha, resamples, seed: options.seed ?? DEFAULT_SEED, paired: options.paired ?? false };
}

const logMedian = (values: PreparedSamples["processes"][number]): number => Math.log(Math.max(medianOfSorted(values), Number.MIN_VALUE));

function runPairedTest(base: PreparedSamples, cand: PreparedSamples): TestOutcome {
  const differences = cand.processes.map((p, i) => logMedian(p) - logMedian(base.processes[i]!));
  const paired = testPaired(differences, CI_LEVEL);
  return {
    pValue: paired.pValue,
    direction: Math.sign(paired.meanDifference),
    description: `paired t-test on ${differences.length} interleaved rounds (log ratio of per-process medians)`,
    ratio: Math.exp(paired.meanDifference),
    ratioCi: { low: Math.exp(paired.ci.low), high: Math.exp(paired.ci.high), level: CI_LEVEL },
    warnings: [],
  };
}

function runTest(base: PreparedSamples, cand: PreparedSamples): TestOutcome {
  if (isHierarchical(base) && isHierarchical(cand)) {
    const logMedians = (prepared: PreparedSamples): number[] => prepared.processes.map((p) => Math.log(Math.max(medianOfSorted(p), Number.MIN_VALUE)));
    const welch = testWelch(logMedians(cand), logMedians(base));
    return {
      pValue: welch.pValue,
      direction: Math.sign(welch.meanDifference),
      description: `Welch t-test on ${base.processes.length} vs ${cand.processes.length} per-process medians (log scale)`,
      warnings: [],
    };
  }
  const mw = testMannWhitney(toPlainArray(cand.pooled), toPlainArray(base.pooled));
  const plural = (n: number): string => `${n} process${n === 1 ? "" : "es"}`;
  const few = [
    base.processes.length < HIERARCHICAL_MIN_PROCESSES ? `baseline ran ${plural(base.processes.length)}` : "",
    cand.processes.length < HIERARCHICAL_MIN_PROCESSES ? `candidate ran ${plural(cand.processes.length)}` : "",
  ].filter(Boolean);
  const approach = mw.method === "exact" ? "exact" : "normal approximation with tie and continuity correction";
  return {
    pValue: mw.pValue,
    direction: Math.sign(mw.z),
    description: `Mann–Whitney U on ${base.pooled.length} vs ${cand.pooled.length} pooled samples (${approach})`,
    warnings: [
      `${few.join(" and ")} (fewer than ${HIERARCHICAL_MIN_PROCESSES}): process-to-process variation (JIT, memory layout) is not accounted for, so the p-value may be too small; run at least ${HIERARCHICAL_MIN_PROCESSES} processes per side`,
    ],
  };
}

function describeRatioCi(base: PreparedSamples, cand: PreparedSamples, resamples: number): string {
  if (isHierarchical(base) === isHierarchical(cand)) {
    return `${isHierarchical(base) ? "hierarchical bootstrap" : "bootstrap"} of medians, ${resamples} resamples`;
  }
  return `baseline: ${describeBootstrap(base, resamples)}; candidate: ${describeBootstrap(cand, resamples)}`;
}

export interface RunComparison {
  comparisons: BenchComparison[];
  /** Benchmarks that could not be compared, with the reason (errored, absent on one side, ...). */
  missing: { name: string; reason: string }[];
}

/** Compares every benchmark of two runs, matched by name and parameters. */
export function compareRuns(baseline: BenchRun, candidate: BenchRun, options: CompareOptions = {}): RunComparison {
  resolveOptions(options); // a bad option fails the whole call, before any benchmark is dropped
  const comparisons: BenchComparison[] = [];
  const missing: RunComparison["missing"] = [];
  const baseByKey = indexResults(baseline.results, "baseline", missing);
  const candByKey = indexResults(candidate.results, "candidate", missing);
  const machineWarning =
    baseline.machine.id !== candidate.machine.id
      ? `baseline and candidate ran on different machines (${baseline.machine.id}, ${baseline.machine.cpuModel} vs ${candidate.machine.id}, ${candidate.machine.cpuModel}): the difference may be the machine, not the code`
      : undefined;

  for (const [key, base] of baseByKey) {
    const cand = candByKey.get(key);
    const label = labelOf(base);
    if (!cand) {
      missing.push({ name: label, reason: "not in the candidate run (removed, renamed or filtered out)" });
      continue;
    }
    if (base.state === "errored" || cand.state === "errored") {
      const reasons: string[] = [];
      if (base.state === "errored") reasons.push(`errored in the baseline: ${base.error.message}`);
      if (cand.state === "errored") reasons.push(`errored in the candidate: ${cand.error.message}`);
      missing.push({ name: label, reason: reasons.join("; ") });
      continue;
    }
    try {
      const comparison = compareResults(base, cand, options);
      if (machineWarning) comparison.warnings.push(machineWarning);
      comparisons.push(comparison);
    } catch (error) {
      // Options were checked above, so a PerfError here is about this benchmark's data only.
      if (!isPerfError(error)) throw error;
      missing.push({ name: label, reason: error.message });
    }
  }
  for (const [key, cand] of candByKey) {
    if (!baseByKey.has(key)) missing.push({ name: labelOf(cand), reason: "not in the baseline run (new benchmark)" });
  }
  return { comparisons, missing };
}

function indexResults(results: readonly BenchResult[], side: string, missing: RunComparison["missing"]): Map<string, BenchResult> {
  const byKey = new Map<string, BenchResult>();
  for (const result of results) {
    const key = keyOf(result);
    if (byKey.has(key)) missing.push({ name: labelOf(result), reason: `appears more than once in the ${side} run; only the first was compared` });
    else byKey.set(key, result);
  }
  return byKey;
}

function keyOf(result: BenchResult): string {
  const params = Object.entries(result.params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([result.name, params]);
}

function labelOf(result: BenchResult): string {
  const params = Object.entries(result.params ?? {});
  return params.length === 0 ? result.name : `${result.name} [${params.map(([k, v]) => `${k}=${v}`).join(", ")}]`;
}
