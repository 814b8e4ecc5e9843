import { describe, expect, it } from "vitest";
import { compareToLimit, formatMetricValue, parseLimitValue } from "./limits.js";

const value = (raw: string | number, unit: Parameters<typeof parseLimitValue>[1]) => {
  const parsed = parseLimitValue(raw, unit);
  return parsed.ok ? parsed.value : parsed.problem;
};

describe("limit values", () => {
  it("parses durations into ms; a bare number is ms", () => {
    expect(value("150ms", "duration")).toBe(150);
    expect(value("2.5s", "duration")).toBe(2500);
    expect(value("800us", "duration")).toBeCloseTo(0.8);
    expect(value("250ns", "duration")).toBeCloseTo(0.00025);
    expect(value("1min", "duration")).toBe(60_000);
    expect(value(40, "duration")).toBe(40);
    expect(value("40", "duration")).toBe(40);
  });

  it("parses sizes into bytes (KB = 1024)", () => {
    expect(value("200 KB", "bytes")).toBe(200 * 1024);
    expect(value("1.5MB", "bytes")).toBe(1.5 * 1024 * 1024);
    expect(value("512", "bytes")).toBe(512);
    expect(value(1000, "bytes")).toBe(1000);
  });

  it("parses percentages and fractions; a bare number above 1 is ambiguous", () => {
    expect(value("1%", "ratio")).toBeCloseTo(0.01);
    expect(value(0.01, "ratio")).toBe(0.01);
    expect(value("-5%", "ratio")).toBeCloseTo(-0.05);
    expect(value(5, "ratio")).toMatch(/ambiguous.*"5%"/);
  });

  it("parses rates and rejects what does not fit the unit", () => {
    expect(value(1000, "rate")).toBe(1000);
    expect(value("1000/s", "rate")).toBe(1000);
    expect(value("fast", "duration")).toMatch(/not a duration.*150ms/);
    expect(value("200 KB", "duration")).toMatch(/not a duration/);
    expect(value("150ms", "bytes")).toMatch(/not a size/);
    expect(value("-3ms", "duration")).toMatch(/negative/);
    expect(value(Number.NaN, "count")).toMatch(/not a finite number/);
  });

  it("formats values in their unit", () => {
    expect(formatMetricValue(1.5, "duration")).toBe("1.5ms");
    expect(formatMetricValue(2500, "duration")).toBe("2.5s");
    expect(formatMetricValue(0.0042, "duration")).toBe("4.2µs");
    expect(formatMetricValue(0.000003, "duration")).toBe("3ns");
    expect(formatMetricValue(0.034, "ratio")).toBe("3.4%");
    expect(formatMetricValue(2048, "bytes")).toBe("2.0 KB");
    expect(formatMetricValue(1234.5, "rate")).toBe("1235 req/s");
  });
});

describe("compareToLimit", () => {
  it("passes inside the limit with positive margin, fails outside with negative margin", () => {
    expect(compareToLimit(120, { max: 150, unit: "duration", text: "" })).toEqual({ pass: true, margin: 0.2 });
    expect(compareToLimit(180, { max: 150, unit: "duration", text: "" })).toEqual({ pass: false, margin: -0.2 });
    expect(compareToLimit(150, { max: 150, unit: "duration", text: "" }).pass).toBe(true);
    expect(compareToLimit(800, { min: 1000, unit: "rate", text: "" })).toEqual({ pass: false, margin: -0.2 });
    expect(compareToLimit(1500, { min: 1000, unit: "rate", text: "" })).toEqual({ pass: true, margin: 0.5 });
  });

  it("uses the nearer bound of a range, and no margin against a zero limit", () => {
    const range = { min: 100, max: 200, unit: "duration" as const, text: "" };
    expect(compareToLimit(190, range).margin).toBeCloseTo(0.05);
    expect(compareToLimit(90, range)).toEqual({ pass: false, margin: -0.1 });
    expect(compareToLimit(0, { max: 0, unit: "count", text: "" })).toEqual({ pass: true, margin: null });
  });
});
