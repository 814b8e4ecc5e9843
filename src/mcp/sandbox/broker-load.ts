/**
 * Brokered load calls: `runLoadTest` and `findBreakingPointForTarget` (one bounded run per
 * level), both only at targets in allowedTargets. The per-level results of a breaking-point
 * search stay in files in the workspace; the script gets the verdict and the paths.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PerfError } from "../../core/errors.js";
import { findBreakingPointForTarget } from "../../load/analyze/breaking-point-target.js";
import type { LoadResult } from "../../load/model.js";
import { runLoadTest } from "../../load/run-load-test.js";
import { sanitizeLoadOptions } from "./load-options.js";
import { checkLoadOptions } from "./policy.js";
import { copyIntoWorkspace } from "./workspace-copy.js";
import { isRecord, withScratch, type BrokeredCall, type BrokerContext } from "./broker-types.js";

const MAX_LEVELS = 20;
// A level is connections or req/s: the same ceilings as one brokered load test.
const MAX_LEVEL_VALUE = 200_000;
const RULE_KEYS = ["errorRateLimit", "latencyLimitMs", "latencyBendFactor", "minThroughputGain", "minScalingEfficiency", "latencyGrowth", "minLatencyDeltaMs"] as const;
const USAGE = 'perf.findBreakingPointForTarget({ target: "http://127.0.0.1:8080/", duration: "2s" }, [10, 50, 100, 200], "concurrency", { latencyLimitMs: 500 })';

function checkLevels(levels: unknown, kind: unknown): void {
  const ok = Array.isArray(levels) && levels.length >= 1 && levels.length <= MAX_LEVELS && levels.every((l) => typeof l === "number" && Number.isFinite(l) && l > 0);
  if (!ok) throw new PerfError("USAGE", `findBreakingPointForTarget needs 1–${MAX_LEVELS} positive levels, got ${JSON.stringify(levels)?.slice(0, 200)}.`, { hint: USAGE });
  if (kind !== undefined && kind !== "concurrency" && kind !== "rate") throw new PerfError("USAGE", `Unknown breaking-point kind ${JSON.stringify(kind)}.`, { hint: 'Use "concurrency" (connections) or "rate" (req/s).' });
}

function pickRules(value: unknown): Record<string, number> {
  const rules: Record<string, number> = {};
  if (!isRecord(value)) return rules;
  for (const key of RULE_KEYS) if (typeof value[key] === "number") rules[key] = value[key];
  return rules;
}

async function runBreakingPoint([base, levels, kind, rules]: unknown[], ctx: BrokerContext): Promise<unknown> {
  const results: { level: number; result: LoadResult }[] = [];
  const bp = await findBreakingPointForTarget(sanitizeLoadOptions(base, ctx.signal), (levels as number[]).map((l) => Math.min(l, MAX_LEVEL_VALUE)), (kind as "concurrency" | "rate" | undefined) ?? "concurrency", {
    ...pickRules(rules),
    signal: ctx.signal,
    onLevel: (level, result) => results.push({ level, result }),
  });
  const files = await withScratch(async (scratch) => {
    const verdict = join(scratch, "breaking-point.json");
    const perLevel = join(scratch, "load-results.json");
    await writeFile(verdict, JSON.stringify(bp, null, 2));
    await writeFile(perLevel, JSON.stringify(results));
    return ctx.whileChildStopped(() => copyIntoWorkspace(ctx.workspace, [verdict, perLevel], "breaking-point"));
  });
  return { ...bp, files };
}

export const LOAD_CALLS: readonly BrokeredCall[] = [
  {
    name: "runLoadTest",
    check: (policy, [options]) => checkLoadOptions(policy, options),
    run: ([options], ctx) => runLoadTest(sanitizeLoadOptions(options, ctx.signal)),
  },
  {
    name: "findBreakingPointForTarget",
    check: (policy, [base, levels, kind]) => {
      checkLoadOptions(policy, base);
      checkLevels(levels, kind);
    },
    run: (args, ctx) => runBreakingPoint(args, ctx),
  },
];
