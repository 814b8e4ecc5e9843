import { describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { resolveRumQuery } from "./parse-rum-query.js";
import type { RumQuery } from "./rum-report.js";

const NOW = Date.UTC(2025, 2, 10, 12, 30);

function usageError(query: unknown): PerfError {
  try {
    resolveRumQuery(query as RumQuery);
  } catch (error) {
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).code).toBe("USAGE");
    expect((error as PerfError).hint).toBeTruthy();
    return error as PerfError;
  }
  throw new Error("the query was accepted");
}

describe("resolving a RUM query", () => {
  it("expands core_web_vitals, accepts lower-case names and fills the defaults", () => {
    expect(resolveRumQuery({ metric: "core_web_vitals", now: NOW })).toEqual({
      metrics: ["LCP", "INP", "CLS"],
      from: Date.UTC(2025, 2, 9, 12),
      to: Date.UTC(2025, 2, 10, 13),
      percentiles: [50, 75, 95],
      filters: {},
      limit: 20,
    });
    expect(resolveRumQuery({ metric: ["ttfb", "LCP", "lcp"] as never, percentiles: [99.9, 75], now: NOW })).toMatchObject({ metrics: ["TTFB", "LCP"], percentiles: [75, 99.9] });
  });

  it("widens ranges to whole UTC hours and keeps an hour-aligned range as it is", () => {
    expect(resolveRumQuery({ metric: "LCP", timeRange: "30m", now: NOW })).toMatchObject({ from: Date.UTC(2025, 2, 10, 12), to: Date.UTC(2025, 2, 10, 13) });
    expect(resolveRumQuery({ metric: "LCP", timeRange: "7d", now: NOW })).toMatchObject({ from: Date.UTC(2025, 2, 3, 12) });
    const from = new Date(Date.UTC(2025, 0, 1));
    expect(resolveRumQuery({ metric: "LCP", timeRange: { from, to: Date.UTC(2025, 0, 2) } })).toMatchObject({ from: from.getTime(), to: Date.UTC(2025, 0, 2) });
  });

  it("says what was wrong with a bad query", () => {
    expect(usageError({ metric: "FID" }).message).toMatch(/metric "FID" is not one of LCP, INP, CLS, FCP, TTFB/);
    expect(usageError({ metric: [] }).message).toMatch(/metric list is empty/);
    expect(usageError({ metric: "LCP", timeRange: "2w" }).message).toMatch(/time range "2w" is not known/);
    expect(usageError({ metric: "LCP", timeRange: { from: 10, to: 5 } }).message).toMatch(/is not before/);
    expect(usageError({ metric: "LCP", timeRange: { from: "yesterday", to: 5 } }).message).toMatch(/timeRange.from is yesterday/);
    expect(usageError({ metric: "LCP", groupBy: "browser" }).message).toMatch(/groupBy "browser"/);
    expect(usageError({ metric: "LCP", percentiles: [0] }).message).toMatch(/percentile 0 is not a number in \(0, 100\]/);
    expect(usageError({ metric: "LCP", percentiles: [101] }).message).toMatch(/percentile 101/);
    expect(usageError({ metric: "LCP", filters: { device: "watch" } }).message).toMatch(/filters.device "watch"/);
    expect(usageError({ metric: "LCP", filters: { browser: "firefox" } }).message).toMatch(/unknown filter browser/);
    expect(usageError({ metric: "LCP", limit: 0 }).message).toMatch(/limit 0/);
    expect(usageError({ metric: "LCP", sampleSize: 2.5 }).message).toMatch(/sampleSize 2.5/);
    expect(usageError(null).message).toMatch(/not an object/);
  });
});
