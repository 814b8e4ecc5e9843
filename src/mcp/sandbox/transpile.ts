/**
 * TypeScript to an ES module with esbuild (types are stripped, not checked: the agent gets
 * its result fast and type errors surface as runtime errors with a TypeScript line). The
 * inline source map lets the child's --enable-source-maps point stacks at script.ts.
 */
import { transform, type TransformFailure } from "esbuild";

export const SCRIPT_SOURCE_NAME = "script.ts";

export type TranspileOutcome = { ok: true; code: string } | { ok: false; message: string; line?: number };

function isTransformFailure(e: unknown): e is TransformFailure {
  return typeof e === "object" && e !== null && Array.isArray((e as { errors?: unknown }).errors);
}

export async function transpileScript(source: string): Promise<TranspileOutcome> {
  try {
    const r = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "inline", sourcefile: SCRIPT_SOURCE_NAME });
    return { ok: true, code: r.code };
  } catch (e) {
    if (!isTransformFailure(e)) throw e;
    const first = e.errors[0];
    const where = first?.location ? `${SCRIPT_SOURCE_NAME}:${first.location.line}:${first.location.column + 1}` : SCRIPT_SOURCE_NAME;
    const message = `The script does not compile: ${first?.text ?? e.message} (${where}).`;
    return first?.location ? { ok: false, message, line: first.location.line } : { ok: false, message };
  }
}

/** The first script.ts line in a (source-mapped) stack trace, if any. */
export function findScriptLine(stack: string | undefined): number | undefined {
  if (!stack) return undefined;
  const m = new RegExp(`${SCRIPT_SOURCE_NAME.replace(".", "\\.")}:(\\d+)(?::\\d+)?`).exec(stack);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
