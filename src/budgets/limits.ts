/**
 * Limit values with units, as people write them in a budget file: "150ms", "2.5s",
 * "200 KB", "1%", 1000. A bare number takes the metric's natural unit (ms for durations,
 * bytes for sizes, a fraction for ratios). Values are converted to the canonical unit of
 * model.ts; formatting goes the other way.
 */
import { formatBytes } from "../core/units.js";
import type { BudgetLimit, MetricUnit, MetricValue } from "./model.js";

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)`;
// Units are lower case (as docs/perfscope.budget.schema.json says); sizes accept any case.
const DURATION_RE = new RegExp(`^(${NUMBER})\\s*(ns|us|µs|ms|s|sec|min|m)?$`);
const BYTES_RE = new RegExp(`^(${NUMBER})\\s*(b|kb|kib|mb|mib|gb|gib)?$`, "i");
const RATIO_RE = new RegExp(`^(${NUMBER})\\s*(%)?$`);
const RATE_RE = new RegExp(`^(${NUMBER})\\s*(/s|rps|req/s)?$`);
const PLAIN_RE = new RegExp(`^(${NUMBER})$`);

const DURATION_TO_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000 };
// K/M/G are binary (1024), matching how perfscope prints sizes (formatBytes).
const BYTES_FACTOR: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

const EXAMPLES: Record<MetricUnit, string> = {
  duration: '"150ms", "2.5s", "800us", or a number of milliseconds',
  bytes: '"200 KB", "1.5MB", or a number of bytes (KB = 1024 bytes)',
  ratio: '"1%", "-5%", or a fraction such as 0.01',
  rate: "a number per second, e.g. 1000 or \"1000/s\"",
  count: "a number",
  score: "a number, e.g. 0.1",
};

export type ParsedLimitValue = { ok: true; value: number } | { ok: false; problem: string };

/** Parses one limit value for a metric of `unit`; never throws (the caller knows the line). */
export function parseLimitValue(raw: string | number, unit: MetricUnit): ParsedLimitValue {
  const fail = (why: string): ParsedLimitValue => ({ ok: false, problem: `${why}; expected ${EXAMPLES[unit]}` });
  if (typeof raw === "number" && !Number.isFinite(raw)) return fail(`${raw} is not a finite number`);
  const text = typeof raw === "number" ? String(raw) : raw.trim();
  const match = (re: RegExp) => re.exec(text);
  let value: number;
  switch (unit) {
    case "duration": {
      const m = match(DURATION_RE);
      if (!m) return fail(`"${text}" is not a duration`);
      value = Number(m[1]) * DURATION_TO_MS[m[2] ?? "ms"]!;
      break;
    }
    case "bytes": {
      const m = match(BYTES_RE);
      if (!m) return fail(`"${text}" is not a size`);
      value = Number(m[1]) * BYTES_FACTOR[(m[2] ?? "b").toLowerCase()]!;
      break;
    }
    case "ratio": {
      const m = match(RATIO_RE);
      if (!m) return fail(`"${text}" is not a percentage`);
      value = m[2] ? Number(m[1]) / 100 : Number(m[1]);
      // "5" almost always means 5%, not 500%: make the writer say which.
      if (!m[2] && Math.abs(value) > 1) return fail(`${text} is ambiguous (a fraction above 1 = over 100%); write "${text}%" or ${Number(m[1]) / 100}`);
      break;
    }
    case "rate": {
      const m = match(RATE_RE);
      if (!m) return fail(`"${text}" is not a rate`);
      value = Number(m[1]);
      break;
    }
    case "count":
    case "score": {
      const m = match(PLAIN_RE);
      if (!m) return fail(`"${text}" is not a number`);
      value = Number(m[1]);
      break;
    }
  }
  // Only ratios can sensibly be negative ("max": "-5%" = must be 5% faster than the baseline).
  if (value < 0 && unit !== "ratio") return fail(`"${text}" is negative`);
  return { ok: true, value };
}

function significant(n: number, digits = 3): string {
  if (n === 0) return "0";
  const rounded = Number(n.toPrecision(digits));
  return Math.abs(rounded) >= 10 ** digits ? Math.round(rounded).toString() : String(rounded);
}

/** A value in its canonical unit, for people: "1.42ms", "183.2 KB", "0.4%", "1250 req/s". */
export function formatMetricValue(value: number, unit: MetricUnit): string {
  switch (unit) {
    case "duration": {
      const abs = Math.abs(value);
      if (abs === 0) return "0ms";
      if (abs < 0.001) return `${significant(value * 1e6)}ns`;
      if (abs < 1) return `${significant(value * 1e3)}µs`;
      if (abs < 1000) return `${significant(value)}ms`;
      return `${significant(value / 1000)}s`;
    }
    case "bytes":
      return Math.abs(value) < 1024 ? `${value} B` : formatBytes(value);
    case "ratio":
      return `${significant(value * 100)}%`;
    case "rate":
      return `${significant(value, 4)} req/s`;
    case "count":
    case "score":
      return significant(value, 4);
  }
}

export function toMetricValue(value: number, unit: MetricUnit): MetricValue {
  return { value, unit, text: formatMetricValue(value, unit) };
}

/** "≤ 150ms", "≥ 1000 req/s", "100ms … 150ms". */
export function describeLimit(min: number | undefined, max: number | undefined, unit: MetricUnit): string {
  if (min !== undefined && max !== undefined) return `${formatMetricValue(min, unit)} … ${formatMetricValue(max, unit)}`;
  if (max !== undefined) return `≤ ${formatMetricValue(max, unit)}`;
  return `≥ ${formatMetricValue(min ?? 0, unit)}`;
}

/** pass/fail of a value against inclusive bounds, and the margin to the nearest bound. */
export function compareToLimit(actual: number, limit: BudgetLimit): { pass: boolean; margin: number | null } {
  const margins: Array<number | null> = [];
  // Headroom as a fraction of the bound: positive inside, negative outside.
  if (limit.max !== undefined) margins.push(limit.max === 0 ? null : (limit.max - actual) / Math.abs(limit.max));
  if (limit.min !== undefined) margins.push(limit.min === 0 ? null : (actual - limit.min) / Math.abs(limit.min));
  const pass = (limit.max === undefined || actual <= limit.max) && (limit.min === undefined || actual >= limit.min);
  const known = margins.filter((m): m is number => m !== null);
  return { pass, margin: known.length > 0 ? Math.min(...known) : null };
}
