import { z } from "zod";
import { PerfError } from "../../core/errors.js";
import { PROFILE_VERSION, type Profile } from "../model.js";

/** perfscope's own profile file: the Profile model as JSON, checked here at the edge. */
const frameSchema = z.object({
  name: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  kind: z.enum(["js", "native", "kernel", "gc", "idle", "program", "other"]),
});

const profileSchema = z.object({
  version: z.literal(PROFILE_VERSION),
  unit: z.enum(["microseconds", "milliseconds", "nanoseconds", "seconds", "samples", "bytes", "none"]),
  frames: z.array(frameSchema),
  stacks: z.object({ frame: z.array(z.number().int()), parent: z.array(z.number().int()) }),
  samples: z.object({ stack: z.array(z.number().int()), weight: z.array(z.number()), time: z.array(z.number()).nullable() }),
  meta: z.record(z.unknown()).default({}),
});

const looksLikeOurs = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && "version" in v && "frames" in v && "stacks" in v && "samples" in v;

function fail(fileName: string, message: string): PerfError {
  return new PerfError("MALFORMED_INPUT", `perfscope profile: ${message}`, {
    where: { file: fileName },
    hint: "The file looks like a perfscope profile (version, frames, stacks, samples) but does not match the format; re-save it with exportToPerfscopeJson.",
  });
}

/** Imports a perfscope profile (parsed JSON or its text); null when the value is not one. */
export function importFromPerfscopeJson(input: unknown, options: { fileName?: string } = {}): Profile | null {
  const fileName = options.fileName ?? "profile.json";
  const value = typeof input === "string" ? parseOrNull(input) : input;
  if (!looksLikeOurs(value)) return null;
  const parsed = profileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(fileName, `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const p = parsed.data;
  // Cross-references zod cannot express: every index must point inside its table.
  const nodes = p.stacks.frame.length;
  if (p.stacks.parent.length !== nodes) throw fail(fileName, "stacks.frame and stacks.parent differ in length");
  for (let i = 0; i < nodes; i++) {
    const f = p.stacks.frame[i]!;
    const parent = p.stacks.parent[i]!;
    if (f < 0 || f >= p.frames.length) throw fail(fileName, `stacks.frame[${i}] = ${f} is not a frame index`);
    if (parent < -1 || parent >= i) throw fail(fileName, `stacks.parent[${i}] = ${parent} must be -1 or an earlier node`);
  }
  const count = p.samples.stack.length;
  if (p.samples.weight.length !== count) throw fail(fileName, "samples.stack and samples.weight differ in length");
  if (p.samples.time && p.samples.time.length !== count) throw fail(fileName, "samples.time and samples.stack differ in length");
  p.samples.stack.forEach((s, i) => {
    if (s < -1 || s >= nodes) throw fail(fileName, `samples.stack[${i}] = ${s} is not a stack node`);
  });
  return { ...p, meta: p.meta as Profile["meta"] } as Profile;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
