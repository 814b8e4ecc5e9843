import { parseDuration } from "../../core/units.js";
import type { ParameterScan } from "../../bench/run/command-text.js";
import { usageError } from "../io.js";

/** Option parsing for `perfscope bench` that is more than a type check. */

export function parsePositiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a whole number ≥ 1, got "${raw}"`);
  return n;
}

export function parseMs(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === null || !(ms > 0)) throw usageError(`--${name} must be a duration like 300ms or 2s, got "${raw}"`);
  return ms;
}

/** "2%" or "0.02" → 0.02. */
export function parseFraction(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const pct = raw.trim().endsWith("%");
  const n = Number(pct ? raw.trim().slice(0, -1) : raw);
  const value = pct ? n / 100 : n;
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw usageError(`--${name} must be a fraction like 2% or 0.02, got "${raw}"`);
  return value;
}

/** `--filter name` (repeatable) or `--filter /regex/flags`. */
export function parseFilter(raw: string[] | undefined): string[] | RegExp | undefined {
  if (!raw || raw.length === 0) return undefined;
  const only = raw[0]!;
  const m = /^\/(.+)\/([a-z]*)$/.exec(only);
  if (raw.length === 1 && m) {
    try {
      return new RegExp(m[1]!, m[2]);
    } catch (error) {
      throw usageError(`--filter ${only} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return raw;
}

/** `threads=1..8:2` → a numeric range; `mem=64M,256M` → a list. */
export function parseParameterScan(scan: string | undefined, list: string | undefined): ParameterScan | undefined {
  if (scan && list) throw usageError("use either --parameter-scan or --parameter-list, not both");
  if (scan) {
    const m = /^([^=]+)=(-?[\d.]+)\.\.(-?[\d.]+)(?::([\d.]+))?$/.exec(scan.trim());
    if (!m) throw usageError(`--parameter-scan "${scan}" is not name=start..end[:step]`, "Example: --parameter-scan threads=1..8:1");
    return { name: m[1]!, start: Number(m[2]), end: Number(m[3]), ...(m[4] ? { step: Number(m[4]) } : {}) };
  }
  if (list) {
    const eq = list.indexOf("=");
    if (eq <= 0) throw usageError(`--parameter-list "${list}" is not name=a,b,c`, "Example: --parameter-list mem=64M,256M,1G");
    return { name: list.slice(0, eq), values: list.slice(eq + 1).split(",").map((v) => v.trim()).filter(Boolean) };
  }
  return undefined;
}

export function parseVersions(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const refs = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (refs.length === 0) throw usageError("--versions needs at least one git ref", "Example: --versions v1.0.0,v1.1.0,HEAD");
  const twice = refs.find((r, i) => refs.indexOf(r) !== i);
  if (twice) throw usageError(`--versions names "${twice}" twice`, "List each ref once; to check noise, compare two refs of the same commit (e.g. a tag and its commit id).");
  return refs;
}
