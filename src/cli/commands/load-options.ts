import { readFile } from "node:fs/promises";
import { z } from "zod";
import { PerfError } from "../../core/errors.js";
import type { RequestSpec } from "../../load/model.js";

// zod at the edge: a request-mix file is user input.
const requestMixSchema = z
  .array(
    z
      .object({
        method: z.string().optional(),
        url: z.string().optional(),
        headers: z.record(z.string()).optional(),
        body: z.string().optional(),
        weight: z.number().positive().optional(),
      })
      .strict(),
  )
  .nonempty();

/** Reads a request mix (`--mix file.json`): an array of requests with optional weights. */
export async function parseRequestMix(file: string): Promise<RequestSpec[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new PerfError("TARGET_NOT_FOUND", `Request mix file not found: ${file}`, { where: { file }, hint: "Check the path given to --mix.", cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new PerfError("MALFORMED_INPUT", `${file} is not valid JSON: ${(cause as Error).message}`, { where: { file }, hint: 'Expected [{"method":"GET","url":"/path","weight":3}, ...].', cause });
  }
  const parsed = requestMixSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PerfError("MALFORMED_INPUT", `${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`, {
      where: { file },
      hint: 'Expected a non-empty array of {"method","url","headers","body","weight"} objects.',
    });
  }
  return parsed.data as RequestSpec[];
}
