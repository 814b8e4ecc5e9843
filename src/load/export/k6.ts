/**
 * Writes an equivalent k6 script for a LoadOptions, so a test tuned locally can run
 * distributed on k6 (or its Kubernetes operator). Every value from the user enters the
 * script through JSON.stringify, never by string concatenation into code.
 */
import { PerfError } from "../../core/errors.js";
import { parseDuration } from "../../core/units.js";
import type { LoadOptions } from "../model.js";
import { parseThreshold, type ParsedThreshold } from "../analyze/thresholds.js";

/** Mirrors the engine's defaults so both run the same test. */
const DEFAULT_CLOSED_CONNECTIONS = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

function usage(message: string, hint: string): PerfError {
  return new PerfError("USAGE", message, { hint });
}

/** k6 takes Go-style durations: "30s", "1500ms". */
function k6Duration(value: number | string, what: string): string {
  const msValue = parseDuration(value);
  if (msValue === null) throw usage(`${what} "${value}" is not a duration`, 'use seconds (30) or a string like "30s", "500ms", "2m"');
  const n = msValue as number;
  return n % 1000 === 0 ? `${n / 1000}s` : `${Math.round(n)}ms`;
}

function openConnections(options: LoadOptions, peakRate: number): number {
  return options.concurrency ?? Math.min(1000, Math.max(10, Math.ceil(peakRate / 10)));
}

/** The k6 scenario object for the options' model. */
export function buildK6Scenario(options: LoadOptions): Record<string, unknown> {
  const stages = options.stages && options.stages.length > 0 ? options.stages : null;
  const rate = options.requestsPerSecond;
  const duration = options.duration === undefined ? null : k6Duration(options.duration, "duration");
  if (stages) {
    // The engine treats stage targets as arrival rates, starting from requestsPerSecond (or 0).
    const peak = Math.max(rate ?? 0, ...stages.map((s) => s.target));
    const vus = openConnections(options, peak);
    return {
      executor: "ramping-arrival-rate",
      startRate: rate ?? 0,
      timeUnit: "1s",
      preAllocatedVUs: vus,
      maxVUs: vus,
      stages: stages.map((s, i) => ({ duration: k6Duration(s.duration, `stage ${i + 1} duration`), target: s.target })),
    };
  }
  if (rate !== undefined) {
    if (!duration) throw usage("k6's arrival-rate executors need a duration; maxRequests alone cannot bound an open-model k6 run", 'add duration (e.g. "30s")');
    const vus = openConnections(options, rate);
    return { executor: "constant-arrival-rate", rate, timeUnit: "1s", duration, preAllocatedVUs: vus, maxVUs: vus };
  }
  const vus = options.concurrency ?? DEFAULT_CLOSED_CONNECTIONS;
  if (options.maxRequests !== undefined) {
    return { executor: "shared-iterations", vus, iterations: options.maxRequests, ...(duration ? { maxDuration: duration } : {}) };
  }
  if (!duration) throw usage("a load test needs a bound: duration, stages or maxRequests", 'add duration (e.g. "30s")');
  return { executor: "constant-vus", vus, duration };
}

const K6_LATENCY_AGG: Record<string, string> = { p50: "p(50)", p90: "p(90)", p95: "p(95)", "p99.9": "p(99.9)", p99: "p(99)", max: "max", min: "min", mean: "avg" };

/** Maps one perfscope threshold to a k6 metric and expression. */
export function mapThresholdToK6(t: ParsedThreshold): { metric: string; expression: string } {
  switch (t.kind) {
    case "latency":
      return { metric: "http_req_duration", expression: `${K6_LATENCY_AGG[t.metric]}${t.operator}${+t.limit.toFixed(3)}` };
    case "error_rate":
      return { metric: "http_req_failed", expression: `rate${t.operator}${+t.limit.toFixed(6)}` };
    case "error_count":
      // k6's http_req_failed is a Rate; counts come from the script's own Counter.
      return { metric: "perfscope_errors", expression: `count${t.operator}${t.limit}` };
    case "throughput":
      return { metric: "http_reqs", expression: `rate${t.operator}${t.limit}` };
  }
}

export function buildK6Thresholds(expressions: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of expressions.map(parseThreshold)) {
    const { metric, expression } = mapThresholdToK6(t);
    (out[metric] ??= []).push(expression);
  }
  return out;
}

interface K6Request {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  weight: number;
}

function buildRequests(options: LoadOptions): K6Request[] {
  const specs = options.requests && options.requests.length > 0 ? options.requests : [{}];
  return specs.map((spec) => {
    let url: string;
    try {
      url = new URL(spec.url ?? options.target, options.target).href;
    } catch {
      throw usage(`"${spec.url ?? options.target}" is not a valid URL`, "give an absolute target URL such as http://127.0.0.1:3000/");
    }
    const weight = spec.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0) throw usage(`request ${url} has weight ${weight}; weights must be positive`, "give it a weight above 0");
    return { method: (spec.method ?? options.method ?? "GET").toUpperCase(), url, body: spec.body ?? options.body ?? null, headers: { ...options.headers, ...spec.headers }, weight };
  });
}

/** An equivalent k6 script (ES module JS) for `options`. */
export function exportToK6Script(options: LoadOptions): string {
  const scenario = buildK6Scenario(options);
  const thresholds = buildK6Thresholds(options.thresholds ?? []);
  const requests = buildRequests(options);
  const timeout = `${options.timeoutMs ?? DEFAULT_TIMEOUT_MS}ms`;
  const notes: string[] = [];
  if (options.arrival === "poisson") notes.push("perfscope used Poisson arrivals; k6 arrival-rate executors space arrivals evenly.");
  if (options.pipelining && options.pipelining > 1) notes.push(`perfscope pipelined ${options.pipelining} requests per connection; k6 does not pipeline.`);
  const sequence = options.mixOrder === "sequence";
  if (options.http2) notes.push("HTTP/2: k6 negotiates it through TLS ALPN on https targets.");
  if (options.maxRequests !== undefined && scenario.executor !== "shared-iterations") notes.push(`perfscope stopped after ${options.maxRequests} requests; k6 arrival-rate executors have no request cap.`);
  const lines = [
    `// Generated by perfscope from an equivalent load test. Run: k6 run script.js`,
    ...notes.map((n) => `// Note: ${n}`),
    ...(sequence ? [`import exec from "k6/execution";`] : []),
    `import http from "k6/http";`,
    `import { Counter } from "k6/metrics";`,
    ``,
    `const failures = new Counter("perfscope_errors");`,
    `const REQUESTS = ${JSON.stringify(requests, null, 2)};`,
    `const TOTAL_WEIGHT = REQUESTS.reduce((sum, r) => sum + r.weight, 0);`,
    ``,
    `export const options = ${JSON.stringify({ scenarios: { perfscope: scenario }, thresholds, discardResponseBodies: true }, null, 2)};`,
    ``,
    ...(sequence
      ? [
          `// Sends the mix in order across all VUs, wrapping at the end (perfscope's mixOrder "sequence").`,
          `function pickRequest() {`,
          `  return REQUESTS[exec.scenario.iterationInTest % REQUESTS.length];`,
          `}`,
        ]
      : [
          `// Picks a request with probability proportional to its weight.`,
          `function pickRequest() {`,
          `  let x = Math.random() * TOTAL_WEIGHT;`,
          `  for (const r of REQUESTS) {`,
          `    x -= r.weight;`,
          `    if (x < 0) return r;`,
          `  }`,
          `  return REQUESTS[REQUESTS.length - 1];`,
          `}`,
        ]),
    ``,
    `export default function () {`,
    `  const r = pickRequest();`,
    `  const res = http.request(r.method, r.url, r.body, { headers: r.headers, timeout: ${JSON.stringify(timeout)} });`,
    `  if (res.status === 0 || res.status >= 400) failures.add(1);`,
    `}`,
    ``,
  ];
  return lines.join("\n");
}
