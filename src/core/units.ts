/**
 * Branded units: a number that is microseconds cannot be passed where milliseconds are
 * expected without saying so. Conversions are explicit functions.
 */
declare const unitBrand: unique symbol;
type Branded<T, B extends string> = T & { readonly [unitBrand]: B };

export type Microseconds = Branded<number, "µs">;
export type Milliseconds = Branded<number, "ms">;
export type Seconds = Branded<number, "s">;
export type Bytes = Branded<number, "B">;
export type Hertz = Branded<number, "Hz">;

export const us = (n: number): Microseconds => n as Microseconds;
export const ms = (n: number): Milliseconds => n as Milliseconds;
export const sec = (n: number): Seconds => n as Seconds;
export const bytes = (n: number): Bytes => n as Bytes;
export const hz = (n: number): Hertz => n as Hertz;

export const usToMs = (v: Microseconds): Milliseconds => ms(v / 1000);
export const msToUs = (v: Milliseconds): Microseconds => us(v * 1000);
export const hzToIntervalUs = (rate: Hertz): Microseconds => us(Math.max(1, Math.round(1_000_000 / rate)));

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?$/;
const DURATION_FACTOR_MS: Record<string, number> = { us: 0.001, "µs": 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "30s", "500ms", "2m", "1.5h", or a bare number of seconds. Returns null if unparsable. */
export function parseDuration(text: string | number): Milliseconds | null {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? ms(text * 1000) : null;
  const m = DURATION_RE.exec(text.trim());
  if (!m || m[1] === undefined) return null;
  const unit = m[2] ?? "s";
  return ms(Number(m[1]) * (DURATION_FACTOR_MS[unit] ?? 1000));
}

export function formatDuration(value: Milliseconds): string {
  const v = value as number;
  if (v < 1) return `${(v * 1000).toFixed(0)}µs`;
  if (v < 1000) return `${v.toFixed(v < 10 ? 2 : 1)}ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(2)}s`;
  return `${(v / 60_000).toFixed(1)}min`;
}

export function formatBytes(value: Bytes | number): string {
  const v = value as number;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let n = v;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}
