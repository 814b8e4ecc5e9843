/**
 * Where the built browser snippet lives, so servers (the collector, tests) can serve it.
 * The files are built by scripts/build-rum-snippet.mjs into dist/web/rum/client/, next to
 * this module once compiled; from src/ (vitest) the same folder is four levels up.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PerfError } from "../../../core/errors.js";

export type RumSnippetKind = "esm" | "iife";

const FILE_NAMES: Record<RumSnippetKind, string> = {
  esm: "perfscope-rum.mjs",
  iife: "perfscope-rum.iife.js",
};

/**
 * Absolute path of a built snippet: "esm" (imports web-vitals/attribution) or "iife" (script
 * tag, web-vitals bundled). Throws TOOL_MISSING when it has not been built.
 */
export function findRumSnippetFile(kind: RumSnippetKind): string {
  const name = FILE_NAMES[kind];
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/web/rum/client/ itself. From source: <repo>/src/web/rum/client → <repo>/dist/….
  const candidates = [join(here, name), resolve(here, "../../../../dist/web/rum/client", name)];
  const found = candidates.find((file) => existsSync(file));
  if (found) return found;
  throw new PerfError("TOOL_MISSING", `the RUM snippet (${kind} build, ${name}) has not been built; looked in ${candidates.map((c) => dirname(c)).join(" and ")}`, {
    where: { file: candidates[candidates.length - 1] },
    hint: "run npm run build (it runs node scripts/build-rum-snippet.mjs)",
  });
}
