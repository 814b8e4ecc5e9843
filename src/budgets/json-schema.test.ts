/**
 * docs/perfscope.budget.schema.json is hand-written for editors; these checks keep it in
 * step with the zod schema and the metric registry, so the two cannot drift apart.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BudgetEntrySchema } from "./budget-file.js";
import { parseLimitValue } from "./limits.js";
import { METRIC_IDS, METRICS } from "./metrics.js";
import type { MetricUnit, SelectorKey } from "./model.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));

interface Branch {
  type: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}
interface Group {
  if: { properties: { metric: { enum: string[] } } };
  then: { required?: string[]; allOf: Array<{ $ref: string }>; properties: { min: { $ref: string }; max: { $ref: string } } };
}
interface Schema {
  definitions: Record<string, { oneOf?: Branch[] }> & {
    budget: { properties: Record<string, unknown> & { metric: { enum: string[] } }; allOf: Group[] };
  };
}

const schema = JSON.parse(readFileSync(join(repo, "docs", "perfscope.budget.schema.json"), "utf8")) as Schema;
const budget = schema.definitions.budget;
const SELECTORS: SelectorKey[] = ["benchmark", "page", "path"];

/** What the JSON Schema says of one limit value (the oneOf branches of a unit definition). */
function schemaAccepts(unit: MetricUnit, value: string | number): boolean {
  const branches = schema.definitions[unit]!.oneOf!;
  return branches.some((b) => {
    if (typeof value === "number") return b.type === "number" && value >= (b.minimum ?? -Infinity) && value <= (b.maximum ?? Infinity);
    return b.type === "string" && new RegExp(b.pattern!, "u").test(value);
  });
}

describe("docs/perfscope.budget.schema.json", () => {
  it("lists exactly the metrics of the registry (and of the zod schema)", () => {
    expect([...budget.properties.metric.enum].sort()).toEqual([...METRIC_IDS].sort());
    const zodEnum = BudgetEntrySchema.innerType().shape.metric.options;
    expect([...zodEnum].sort()).toEqual([...METRIC_IDS].sort());
  });

  it("has the same keys as the zod entry schema", () => {
    expect(Object.keys(budget.properties).sort()).toEqual(Object.keys(BudgetEntrySchema.innerType().shape).sort());
  });

  for (const metric of METRICS) {
    it(`${metric.id}: selector and unit match the registry`, () => {
      const groups = budget.allOf.filter((g) => g.if.properties.metric.enum.includes(metric.id));
      expect(groups).toHaveLength(1);
      const then = groups[0]!.then;
      expect(then.required ?? []).toEqual(metric.selector ? [metric.selector] : []);
      const forbidden = then.allOf.map((r) => r.$ref.replace("#/definitions/no", "").toLowerCase());
      for (const key of SELECTORS) expect(forbidden.includes(key)).toBe(key !== metric.selector);
      expect(forbidden.includes("gzip")).toBe(metric.id !== "bundle.size");
      expect(then.properties.max.$ref).toBe(`#/definitions/${metric.unit}`);
      expect(then.properties.min.$ref).toBe(`#/definitions/${metric.unit}`);
    });
  }

  it("accepts the same limit values as the parser", () => {
    const samples: Record<Exclude<MetricUnit, "count">, Array<string | number>> = {
      duration: ["150ms", "2.5s", " 800 us ", "250ns", "1min", "3m", "2sec", "40", 40, 0, "+5ms", "-3ms", -3, "150MS", "fast", "2 KB", ".5s", "1.s"],
      bytes: ["200 KB", "1.5MB", "64KiB", "2gb", "10b", "512", 512, -1, "-1KB", "3 TB", "1 kbit"],
      ratio: ["1%", "-5%", "+2.5%", "0.01", 0.01, -1, 1, 1.5, "1.0", "5", "1.01", "%", "5 %"],
      rate: [1000, "1000/s", "1000 rps", "1000 req/s", "1000 RPS", "-5", "1k"],
      score: [0.1, "0.1", "x", -0.1, "1e3"],
    };
    for (const [unit, values] of Object.entries(samples) as Array<[Exclude<MetricUnit, "count">, Array<string | number>]>) {
      for (const v of values) expect({ unit, v, schema: schemaAccepts(unit, v) }).toEqual({ unit, v, schema: parseLimitValue(v, unit).ok });
    }
  });
});
