import { readFile } from "node:fs/promises";
import { PerfError } from "../core/errors.js";
import { BenchRunSchema } from "../budgets/result-schemas.js";
import type { BenchRun } from "./model.js";

export function parseBenchRun(text: string, file: string): BenchRun {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const m = /position (\d+)/.exec((error as Error).message);
    throw new PerfError("MALFORMED_INPUT", `${file} is not valid JSON: ${(error as Error).message}`, {
      where: { file, ...(m ? { byte: Number(m[1]) } : {}) },
      hint: "Pass a bench-run.json written by perfscope bench.",
    });
  }
  // One schema for saved runs, shared with the budget checker, so the two cannot drift.
  const parsed = BenchRunSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PerfError("MALFORMED_INPUT", `${file} is not a perfscope bench run: ${issue.path.join(".") || "(root)"}: ${issue.message}`, {
      where: { file },
      hint: "Pass a bench-run.json written by perfscope bench (model version 1).",
    });
  }
  return parsed.data;
}

export async function readBenchRunFile(file: string): Promise<BenchRun> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PerfError("TARGET_NOT_FOUND", `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      where: { file },
      hint: "Runs are saved as .perfscope/runs/<time>-bench/bench-run.json.",
    });
  }
  return parseBenchRun(text, file);
}
