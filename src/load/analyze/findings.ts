/**
 * Analyzers over a LoadResult, in the Lighthouse manner: each has `meta` and one function,
 * `analyzeLoadResult` runs them isolated. They say what the numbers mean for the server,
 * and when the numbers cannot be trusted.
 */
import type { Analyzer, Finding, Severity } from "../../core/finding.js";
import { compareFindingsBySeverity, runAnalyzers } from "../../core/finding.js";
import type { LoadErrorKind, LoadResult } from "../model.js";
import { errorRateOf } from "./thresholds.js";

/** p99 this many times p50 (and at least TAIL_MIN_MS) is a tail worth a finding. */
export const TAIL_RATIO = 10;
export const TAIL_MIN_MS = 5;
/** Corrected p99 this many times the uncorrected p99 (and at least CO_MIN_MS above it) means hidden stalls. */
export const CO_RATIO = 2;
export const CO_MIN_MS = 5;

const ERROR_ADVICE: Record<LoadErrorKind, string> = {
  refused: "connections refused: the server's accept backlog or connection limit is full, or it is not listening (raise the listen backlog / max connections, or lower the load)",
  reset: "connections reset: the server or a proxy closed them mid-request (check keep-alive timeouts, crashes, and proxy limits)",
  timeout: "timeouts: requests got no answer within the timeout (the server is queueing; find what it waits on)",
  bad_response: "bad responses: malformed HTTP replies (a server or proxy bug, or a connection closed mid-response)",
  other: "other failures (see the server's and the generator's logs)",
};

const f1 = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));

/**
 * Failures by cause, biggest first: transport errors by kind, and HTTP 4xx/5xx responses by
 * status (the engine counts those as errors too, as k6's http_req_failed does).
 */
export function errorBreakdown(r: LoadResult): Array<{ kind: string; count: number }> {
  const out: Array<{ kind: string; count: number }> = Object.entries(r.errors)
    .filter(([, n]) => n > 0)
    .map(([kind, count]) => ({ kind, count }));
  for (const [code, count] of Object.entries(r.statusCodes)) if (Number(code) >= 400 && count > 0) out.push({ kind: `HTTP ${code}`, count });
  return out.sort((a, b) => b.count - a.count);
}

function adviceFor(kind: string): string {
  if (kind in ERROR_ADVICE) return ERROR_ADVICE[kind as LoadErrorKind];
  if (kind.startsWith("HTTP 5")) return `${kind} responses: the server failed these requests (read its error log; 503 often means an overloaded pool or queue)`;
  if (kind === "HTTP 429") return "HTTP 429 responses: a rate limiter refused the load (raise the limit for the test, or lower the rate)";
  return `${kind} responses: the requests themselves are wrong for this server (check the URL, method, headers and body of the mix)`;
}

export const loadErrors: Analyzer<LoadResult> = {
  meta: { id: "load-errors", title: "Requests that failed, by kind", requires: ["requests", "errors", "statusCodes"] },
  analyze(r) {
    if (r.requests.errors === 0) return [];
    const rate = errorRateOf(r);
    const severity: Severity = rate >= 0.1 ? "critical" : rate >= 0.01 ? "high" : rate >= 0.001 ? "medium" : "low";
    const breakdown = errorBreakdown(r);
    const first = breakdown[0];
    return [
      {
        status: "ok",
        id: "load-errors",
        title: `${(rate * 100).toFixed(2)}% of requests failed${breakdown.length > 0 ? ` (${breakdown.map((b) => `${b.count} ${b.kind}`).join(", ")})` : ""}`,
        severity,
        metric: { name: "error rate", value: rate, unit: "fraction" },
        evidence: { metrics: breakdown.map((b) => ({ name: `errors: ${b.kind}`, value: b.count, unit: "requests" })), urls: [r.target] },
        suggestion: first ? `Fix the biggest kind first: ${adviceFor(first.kind)}.` : "Look at the server's log for the failed requests.",
      },
    ];
  },
};

export const tailLatency: Analyzer<LoadResult> = {
  meta: { id: "tail-latency", title: "A slow tail: p99 far above the median", requires: ["latency"] },
  analyze(r) {
    const { p50, p99, max } = r.latency;
    if (r.latency.count === 0 || p50 <= 0 || p99 < p50 * TAIL_RATIO || p99 < TAIL_MIN_MS) return [];
    const ratio = p99 / p50;
    return [
      {
        status: "ok",
        id: "tail-latency",
        title: `p99 latency ${f1(p99)} ms is ${ratio.toFixed(0)}× the median ${f1(p50)} ms`,
        severity: ratio >= 50 ? "high" : "medium",
        metric: { name: "p99/p50", value: ratio, unit: "ratio" },
        evidence: {
          metrics: [
            { name: "p50", value: p50, unit: "ms" },
            { name: "p99", value: p99, unit: "ms" },
            { name: "max", value: max, unit: "ms" },
          ],
          notes: [`1 request in 100 waits over ${f1(p99)} ms; a page that makes 20 such calls hits it on about 18% of loads`],
        },
        suggestion: "Look for what some requests wait on and most do not: GC pauses, lock or pool contention, cold caches, slow dependencies, or periodic work blocking the event loop. The timeline shows whether the tail is spread out or comes in bursts.",
      },
    ];
  },
};

export const coordinatedOmission: Analyzer<LoadResult> = {
  meta: { id: "coordinated-omission", title: "Server stalls hidden from a closed-loop view", requires: ["open model", "latency", "latencyUncorrected"] },
  analyze(r) {
    if (r.model.kind !== "open" || r.latency.count === 0) return [];
    const corrected = r.latency.p99;
    const raw = r.latencyUncorrected.p99;
    if (corrected < raw * CO_RATIO || corrected - raw < CO_MIN_MS) return [];
    return [
      {
        status: "ok",
        id: "coordinated-omission",
        title: `Corrected p99 ${f1(corrected)} ms vs ${f1(raw)} ms from send time: the server stalls and requests queue behind it`,
        severity: corrected >= raw * 10 ? "high" : "medium",
        metric: { name: "corrected p99 / uncorrected p99", value: raw > 0 ? corrected / raw : corrected, unit: "ratio" },
        evidence: {
          metrics: [
            { name: "p99 from intended send time", value: corrected, unit: "ms" },
            { name: "p99 from actual send time", value: raw, unit: "ms" },
            { name: "max (corrected)", value: r.latency.max, unit: "ms" },
            { name: "late sends", value: r.lateSends, unit: "requests" },
            { name: "dropped sends", value: r.droppedSends, unit: "requests" },
          ],
          notes: ["Requests waited for a connection because earlier ones were stuck; a closed-loop tool would report only the smaller number."],
        },
        suggestion: "Find the stalls: look at the timeline for seconds with a high max, and at the server for GC pauses, event-loop blocking, or a saturated pool at those times. If the generator had too few connections, raise --concurrency so sends are not held back.",
      },
    ];
  },
};

export const generatorSaturated: Analyzer<LoadResult> = {
  meta: { id: "generator-saturated", title: "The load generator limited the run", requires: ["generator"] },
  analyze(r) {
    if (!r.generator.saturated) return [];
    return [
      {
        status: "ok",
        id: "generator-saturated",
        title: "The load generator was the bottleneck: these numbers describe it, not the server",
        severity: "high",
        metric: { name: "generator event-loop lag p99", value: r.generator.eventLoopLagP99Ms, unit: "ms" },
        evidence: {
          metrics: [
            { name: "generator CPU (share of all cores)", value: r.generator.cpu, unit: "fraction" },
            { name: "generator event-loop lag p99", value: r.generator.eventLoopLagP99Ms, unit: "ms" },
          ],
          notes: r.generator.reason ? [r.generator.reason] : [],
        },
        suggestion: "Do not read this throughput as the server's limit. Run the generator on another machine or with more workers, lower the load, or export the test to k6 (--export-k6) for a distributed run.",
      },
    ];
  },
};

export const thresholdsFailed: Analyzer<LoadResult> = {
  meta: { id: "thresholds-failed", title: "Thresholds the run did not meet", requires: ["thresholds"] },
  analyze(r) {
    const failed = r.thresholds.filter((t) => !t.ok);
    if (failed.length === 0) return [];
    return [
      {
        status: "ok",
        id: "thresholds-failed",
        title: `${failed.length} of ${r.thresholds.length} thresholds failed: ${failed.map((t) => t.expression).join(", ")}`,
        severity: "high",
        metric: { name: "failed thresholds", value: failed.length, unit: "count" },
        evidence: { metrics: failed.map((t) => ({ name: t.expression, value: t.actual ?? Number.NaN, unit: t.metric.startsWith("p") || t.metric === "max" || t.metric === "mean" || t.metric === "min" ? "ms" : t.metric === "rps" ? "req/s" : t.metric === "error_rate" ? "fraction" : "count" })) },
        suggestion: "The run missed its targets: start with the other findings (errors, tail, stalls) to see why.",
      },
    ];
  },
};

export const LOAD_ANALYZERS: ReadonlyArray<Analyzer<LoadResult>> = [generatorSaturated, loadErrors, thresholdsFailed, coordinatedOmission, tailLatency];

/** All load findings, most severe first. */
export function analyzeLoadResult(result: LoadResult): Finding[] {
  return runAnalyzers(LOAD_ANALYZERS, result).sort(compareFindingsBySeverity);
}
