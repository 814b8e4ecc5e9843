/**
 * Checks a RumQuery (it may come from the CLI, MCP or a script, so nothing is trusted) and
 * resolves it: metric names, the time range widened to whole UTC hours, defaults.
 */
import { PerfError } from "../../../core/errors.js";
import { CORE_WEB_VITALS, RUM_METRICS, type RumMetric } from "../model.js";
import { HOUR_MS, hourOf } from "../store/beacon-rows.js";
import type { RumGroupBy, RumQuery } from "./rum-report.js";

export interface ResolvedRumQuery {
  metrics: RumMetric[];
  /** [from, to) in ms, whole UTC hours. */
  from: number;
  to: number;
  groupBy?: RumGroupBy;
  percentiles: number[];
  filters: { route?: string; device?: string; connection?: string };
  limit: number;
  sampleSize?: number;
}

const RELATIVE_RANGES: Record<string, number> = { "30m": 30 * 60_000, "24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS, "30d": 30 * 24 * HOUR_MS };
const GROUP_BYS: readonly string[] = ["route", "device", "connection", "navigationType", "day"];
const DEVICES: readonly string[] = ["mobile", "tablet", "desktop", "unknown"];
const CONNECTIONS: readonly string[] = ["slow-2g", "2g", "3g", "4g", "unknown"];
const MAX_SAMPLE_SIZE = 100_000;

function usage(message: string, hint: string): PerfError {
  return new PerfError("USAGE", `RUM query: ${message}`, { hint });
}

function resolveMetricName(name: unknown): RumMetric {
  const upper = typeof name === "string" ? name.toUpperCase() : "";
  const metric = RUM_METRICS.find((m) => m === upper);
  if (!metric) throw usage(`metric ${JSON.stringify(name)} is not one of ${RUM_METRICS.join(", ")}`, `use one of ${RUM_METRICS.join(", ")}, a list of them, or "core_web_vitals"`);
  return metric;
}

function resolveMetrics(metric: unknown): RumMetric[] {
  if (typeof metric === "string" && metric.toLowerCase() === "core_web_vitals") return [...CORE_WEB_VITALS];
  const names = Array.isArray(metric) ? (metric as unknown[]) : [metric];
  if (names.length === 0) throw usage("the metric list is empty", "name at least one metric, e.g. LCP");
  return [...new Set(names.map(resolveMetricName))];
}

function toMs(value: unknown, what: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw usage(`${what} is ${String(value)}, not a date or a time in ms since the epoch`, "pass a Date or a number of ms since the epoch");
  return ms;
}

function resolveTimeRange(range: RumQuery["timeRange"], nowValue: unknown): { from: number; to: number } {
  const now = nowValue === undefined ? Date.now() : toMs(nowValue, "now");
  let from: number;
  let to: number;
  if (range === undefined || typeof range === "string") {
    const length = RELATIVE_RANGES[range ?? "24h"];
    if (length === undefined) throw usage(`time range ${JSON.stringify(range)} is not known`, `use ${Object.keys(RELATIVE_RANGES).join(", ")} or { from, to }`);
    from = now - length;
    to = now;
  } else if (typeof range === "object" && range !== null) {
    from = toMs(range.from, "timeRange.from");
    to = toMs(range.to, "timeRange.to");
    if (!(from < to)) throw usage(`timeRange.from (${new Date(from).toISOString()}) is not before timeRange.to (${new Date(to).toISOString()})`, "give a range whose start comes before its end");
  } else {
    throw usage(`time range ${JSON.stringify(range)} is neither a name nor { from, to }`, `use ${Object.keys(RELATIVE_RANGES).join(", ")} or { from, to }`);
  }
  // Rollups are hourly: cover every hour the range touches.
  return { from: hourOf(from), to: hourOf(to - 1) + HOUR_MS };
}

function resolvePercentiles(percentiles: unknown): number[] {
  if (percentiles === undefined) return [50, 75, 95];
  if (!Array.isArray(percentiles) || percentiles.length === 0) throw usage(`percentiles ${JSON.stringify(percentiles)} is not a non-empty list`, "e.g. [50, 75, 95]");
  for (const p of percentiles) {
    if (typeof p !== "number" || !(p > 0 && p <= 100)) throw usage(`percentile ${JSON.stringify(p)} is not a number in (0, 100]`, "give percentiles as numbers such as 75 or 99.9");
  }
  return [...new Set(percentiles as number[])].sort((a, b) => a - b);
}

function resolveFilters(filters: RumQuery["filters"]): ResolvedRumQuery["filters"] {
  if (filters === undefined) return {};
  if (typeof filters !== "object" || filters === null) throw usage("filters is not an object", "e.g. { route: \"/product/:id\", device: \"mobile\" }");
  const known = ["route", "device", "connection"];
  const unknown = Object.keys(filters).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw usage(`unknown filter ${unknown.join(", ")}`, `filter by ${known.join(", ")}`);
  const out: ResolvedRumQuery["filters"] = {};
  if (filters.route !== undefined) {
    if (typeof filters.route !== "string" || filters.route === "") throw usage("filters.route is not a non-empty string", "give a route as stored, e.g. /product/:id");
    out.route = filters.route;
  }
  if (filters.device !== undefined) {
    if (!DEVICES.includes(filters.device)) throw usage(`filters.device ${JSON.stringify(filters.device)} is not one of ${DEVICES.join(", ")}`, `use ${DEVICES.join(", ")}`);
    out.device = filters.device;
  }
  if (filters.connection !== undefined) {
    if (!CONNECTIONS.includes(filters.connection)) throw usage(`filters.connection ${JSON.stringify(filters.connection)} is not one of ${CONNECTIONS.join(", ")}`, `use ${CONNECTIONS.join(", ")}`);
    out.connection = filters.connection;
  }
  return out;
}

function resolveCount(value: unknown, name: string, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) throw usage(`${name} ${JSON.stringify(value)} is not a whole number from 1 to ${max}`, `give ${name} as a positive whole number`);
  return value;
}

export function resolveRumQuery(query: RumQuery): ResolvedRumQuery {
  if (typeof query !== "object" || query === null) throw usage("the query is not an object", 'e.g. { metric: "LCP", timeRange: "24h" }');
  const groupBy = query.groupBy;
  if (groupBy !== undefined && !GROUP_BYS.includes(groupBy)) throw usage(`groupBy ${JSON.stringify(groupBy)} is not one of ${GROUP_BYS.join(", ")}`, `group by ${GROUP_BYS.join(", ")}`);
  const resolved: ResolvedRumQuery = {
    metrics: resolveMetrics(query.metric),
    ...resolveTimeRange(query.timeRange, query.now),
    percentiles: resolvePercentiles(query.percentiles),
    filters: resolveFilters(query.filters),
    limit: query.limit === undefined ? 20 : resolveCount(query.limit, "limit", 10_000),
  };
  if (groupBy !== undefined) resolved.groupBy = groupBy;
  if (query.sampleSize !== undefined) resolved.sampleSize = resolveCount(query.sampleSize, "sampleSize", MAX_SAMPLE_SIZE);
  return resolved;
}
