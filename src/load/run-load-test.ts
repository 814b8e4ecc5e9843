/**
 * runLoadTest: checks the options, runs the worker threads (closed or open model) and
 * assembles the LoadResult. Latency in the open model is measured from each request's
 * intended send time, so a stalling server cannot hide behind a waiting generator.
 */
import { evaluateThresholds, parseThreshold } from "./analyze/thresholds.js";
import { LoadAggregator } from "./engine/aggregate.js";
import { assessGenerator } from "./engine/generator-check.js";
import { planLoadTest, type LoadPlan } from "./engine/plan.js";
import { runLoadWorkers } from "./engine/run-workers.js";
import { encodeHistogram, summarizeHistogram } from "./histogram.js";
import type { LoadOptions, LoadResult } from "./model.js";

function modelOf(plan: LoadPlan): LoadResult["model"] {
  return plan.model === "closed"
    ? { kind: "closed", connections: plan.connections }
    : { kind: "open", rate: plan.peakRate, arrival: plan.arrival, connections: plan.connections };
}

/**
 * Runs one load test (closed model with `connections`, or open model at
 * `requestsPerSecond`) for `duration`, `stages` or `maxRequests`, in worker threads whose
 * HDR histograms are merged: latency percentiles, throughput, errors by kind, thresholds
 * and findings.
 */
export async function runLoadTest(options: LoadOptions): Promise<LoadResult> {
  const plan = planLoadTest(options);
  // A malformed threshold is a usage error: say so before the run, not after it.
  const thresholds = options.thresholds ?? [];
  for (const expression of thresholds) parseThreshold(expression);
  const startedAt = new Date().toISOString();
  const aggregator = new LoadAggregator();
  const outcome = await runLoadWorkers(plan, aggregator, options.signal, options.onProgress);
  const t = aggregator.totals;
  const durationMs = Math.round(outcome.durationMs * 1000) / 1000;
  const uncorrected = summarizeHistogram(aggregator.uncorrected);
  const result: LoadResult = {
    version: 1,
    target: plan.target,
    model: modelOf(plan),
    startedAt,
    durationMs,
    requests: { sent: t.sent, completed: t.completed, ok: t.ok, errors: t.errors },
    throughput: durationMs > 0 ? Math.round((t.completed / (durationMs / 1000)) * 100) / 100 : 0,
    latency: summarizeHistogram(aggregator.corrected),
    latencyUncorrected: uncorrected,
    statusCodes: t.statusCodes,
    errors: t.errorKinds,
    lateSends: t.lateSends,
    droppedSends: t.droppedSends,
    bytes: { in: t.bytesIn, out: t.bytesOut },
    timeline: aggregator.timeline(durationMs),
    histogram: encodeHistogram(aggregator.corrected),
    generator: assessGenerator({ cpu: outcome.cpu, busiestWorkerCpu: outcome.busiestWorkerCpu, eventLoopLagP99Ms: aggregator.lagP99Ms, model: plan.model, sent: t.sent, schedulerLateSends: t.schedulerLateSends }),
    thresholds: [],
    partial: outcome.partialReason === null ? null : { reason: outcome.partialReason },
  };
  result.thresholds = evaluateThresholds(result, thresholds);
  return result;
}
