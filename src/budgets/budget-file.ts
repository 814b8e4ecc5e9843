/**
 * The budget file (`perfscope.budget.json`): its zod schema, and parsing that turns every
 * problem into one PerfError naming the file, the line of the offending key and what to
 * write instead. docs/perfscope.budget.schema.json mirrors this schema for editors.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { PerfError } from "../core/errors.js";
import { parseJsonWithLocations, type LocatedJson } from "./json-locate.js";
import { describeLimit, parseLimitValue } from "./limits.js";
import { findMetric, METRIC_IDS, suggestMetric } from "./metrics.js";
import type { Budget, BudgetFile, SelectorKey } from "./model.js";

export const DEFAULT_BUDGET_FILE = "perfscope.budget.json";
const SELECTOR_KEYS: readonly SelectorKey[] = ["benchmark", "page", "path"];
const LimitValueSchema = z.union([z.number(), z.string()]);

export const BudgetEntrySchema = z
  .object({
    metric: z.enum(METRIC_IDS as [string, ...string[]]),
    benchmark: z.string().min(1).optional(),
    page: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    min: LimitValueSchema.optional(),
    max: LimitValueSchema.optional(),
    gzip: z.boolean().optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const metric = findMetric(entry.metric)!;
    for (const key of SELECTOR_KEYS) {
      if (key === metric.selector && entry[key] === undefined)
        ctx.addIssue({ code: "custom", path: ["metric"], message: `${metric.id} needs "${key}" (${selectorExample(key)})` });
      if (key !== metric.selector && entry[key] !== undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `${metric.id} takes ${metric.selector ? `"${metric.selector}", not "${key}"` : `no "${key}" selector`}` });
    }
    if (entry.gzip !== undefined && metric.id !== "bundle.size") ctx.addIssue({ code: "custom", path: ["gzip"], message: `"gzip" applies to bundle.size only` });
    if (entry.min === undefined && entry.max === undefined)
      ctx.addIssue({ code: "custom", path: ["metric"], message: `budget for ${metric.id} has neither "min" nor "max": add a limit, e.g. "max": ${JSON.stringify(exampleLimit(metric.unit))}` });
    const bounds: Partial<Record<"min" | "max", number>> = {};
    for (const key of ["min", "max"] as const) {
      const raw = entry[key];
      if (raw === undefined) continue;
      const parsed = parseLimitValue(raw, metric.unit);
      if (parsed.ok) bounds[key] = parsed.value;
      else ctx.addIssue({ code: "custom", path: [key], message: `bad ${key} for ${metric.id}: ${parsed.problem}` });
    }
    if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max)
      ctx.addIssue({ code: "custom", path: ["min"], message: `min is above max (${describeLimit(bounds.min, undefined, metric.unit)} vs ${describeLimit(undefined, bounds.max, metric.unit)})` });
  });

export const BudgetFileSchema = z
  .object({
    $schema: z.string().optional(),
    budgets: z.array(BudgetEntrySchema).min(1, "the budget file lists no budgets"),
  })
  .strict();

export type BudgetFileInput = z.infer<typeof BudgetFileSchema>;

function selectorExample(key: SelectorKey): string {
  if (key === "benchmark") return 'a benchmark name, or "*" for every benchmark';
  if (key === "page") return 'a page path such as "/"';
  return 'a file glob relative to the project, such as "dist/**/*.js"';
}

function exampleLimit(unit: string): string | number {
  return unit === "duration" ? "150ms" : unit === "bytes" ? "200 KB" : unit === "ratio" ? "1%" : 1000;
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(top level)";
}

/** One line per zod issue, with the line of the key it is about. */
function describeIssue(issue: z.ZodIssue, located: LocatedJson): { line: number | undefined; text: string } {
  const keyPath = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
  const line = located.locate(keyPath)?.line;
  let message = issue.message;
  if (issue.code === "invalid_enum_value" && issue.path.at(-1) === "metric") {
    const suggestion = suggestMetric(String(issue.received));
    message = `unknown metric "${String(issue.received)}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; known metrics: ${METRIC_IDS.join(", ")}`;
  } else if (issue.code === "unrecognized_keys") {
    message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  return { line, text: `${line !== undefined ? `line ${line}: ` : ""}${formatPath(keyPath)}: ${message}` };
}

/** Parses budget-file text. Throws PerfError MALFORMED_INPUT (bad JSON) or USAGE (bad content), with the line. */
export function parseBudgetText(text: string, file?: string): BudgetFile {
  const located = parseJsonWithLocations(text, file);
  const checked = BudgetFileSchema.safeParse(located.value);
  const name = file ?? "budget file";
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => describeIssue(issue, located));
    const line = problems.find((p) => p.line !== undefined)?.line;
    throw new PerfError("USAGE", `${name} is not a valid budget file:\n  ${problems.map((p) => p.text).join("\n  ")}`, {
      where: { ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) },
      hint: 'Each budget is {"metric", a selector when the metric needs one, "min" and/or "max"}. "perfscope check --help" lists the metrics; docs/budgets.md has an example.',
    });
  }
  const budgets = checked.data.budgets.map((entry, index): Budget => {
    const metric = findMetric(entry.metric)!;
    // Already validated by the schema's refinement, so these parse.
    const bound = (raw: string | number | undefined) => {
      if (raw === undefined) return undefined;
      const parsed = parseLimitValue(raw, metric.unit);
      return parsed.ok ? parsed.value : undefined;
    };
    const min = bound(entry.min);
    const max = bound(entry.max);
    const selectorValue = metric.selector ? entry[metric.selector] : undefined;
    const line = located.locate(["budgets", index])?.line;
    return {
      metric: metric.id,
      selector: metric.selector && selectorValue !== undefined ? { key: metric.selector, value: selectorValue } : null,
      limit: { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), unit: metric.unit, text: describeLimit(min, max, metric.unit) },
      gzip: entry.gzip ?? false,
      ...(entry.description !== undefined ? { description: entry.description } : {}),
      ...(line !== undefined ? { line } : {}),
    };
  });
  return { ...(file !== undefined ? { file } : {}), budgets };
}

/** Reads and parses a budget file; a missing file is a USAGE error saying how to create one. */
export async function loadBudgetFile(path: string, cwd: string = process.cwd()): Promise<BudgetFile> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PerfError("USAGE", missing ? `No budget file at ${file}.` : `Cannot read the budget file ${file}: ${(error as Error).message}`, {
      where: { file },
      hint: missing ? `Create ${DEFAULT_BUDGET_FILE} (see docs/budgets.md for an example), or point at one with --budget <file>.` : "Check the file's permissions.",
      cause: error,
    });
  }
  return parseBudgetText(text, file);
}
