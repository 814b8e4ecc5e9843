/**
 * The library's typed API as agents browse it: per-domain .d.ts files and an index built
 * from the sources by scripts/build-api-docs.mjs into dist/mcp/api/. This module finds
 * them (next to itself once compiled; from src/ the repo's dist/) and searches the index.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PerfError } from "../../core/errors.js";

export interface ApiEntry {
  name: string;
  kind: "function" | "const" | "class" | "interface" | "type" | "enum";
  domain: string;
  /** Runs in the server on the script's behalf, within the operator's policy. */
  brokered: boolean;
  /** Runs inside the script itself. */
  pure: boolean;
  signature: string;
  doc: string;
}

export interface ApiDomain {
  domain: string;
  summary: string;
  declarations: number;
}

export interface ApiDocs {
  dir: string;
  domains: ApiDomain[];
  entries: ApiEntry[];
}

export interface ApiMatch extends ApiEntry {
  score: number;
  /** The resource with the whole declaration and its neighbours. */
  resource: string;
}

export function apiResourceUri(domain: string): string {
  return `perfscope://api/${domain}.d.ts`;
}

let cached: ApiDocs | undefined;

/** Loads the built docs once; TOOL_MISSING when they have not been built. */
export function loadApiDocs(): ApiDocs {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/mcp/api-docs/ → dist/mcp/api. From source: src/mcp/api-docs → <repo>/dist/mcp/api.
  const candidates = [resolve(here, "../api"), resolve(here, "../../../dist/mcp/api")];
  const dir = candidates.find((d) => existsSync(join(d, "index.json")));
  if (!dir) {
    throw new PerfError("TOOL_MISSING", `the API docs have not been built; looked for index.json in ${candidates.join(" and ")}`, {
      where: { file: join(candidates[candidates.length - 1] ?? "", "index.json") },
      hint: "run npm run build (it runs node scripts/build-api-docs.mjs)",
    });
  }
  const parsed = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { domains: ApiDomain[]; entries: ApiEntry[] };
  cached = { dir, domains: parsed.domains, entries: parsed.entries };
  return cached;
}

/** The .d.ts text of one domain. */
export function readApiDomain(docs: ApiDocs, domain: string): string {
  if (!docs.domains.some((d) => d.domain === domain)) {
    throw new PerfError("USAGE", `no API domain ${JSON.stringify(domain)}`, { hint: `Domains: ${docs.domains.map((d) => d.domain).join(", ")}.` });
  }
  return readFileSync(join(docs.dir, `${domain}.d.ts`), "utf8");
}

/** Lower-case words of a query or a name, camelCase split: "findLeaks p75" → find, leaks, p75. */
function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

/**
 * Ranks entries for a query: every query word scores where it is found (name words most,
 * then the name, the doc, the signature); a whole-name match wins outright. Callables
 * a script can use come before types on a tie.
 */
export function searchApi(docs: ApiDocs, query: string, options: { domain?: string; limit?: number } = {}): ApiMatch[] {
  const words = wordsOf(query);
  const whole = query.trim().toLowerCase();
  const matches: ApiMatch[] = [];
  for (const e of docs.entries) {
    if (options.domain && e.domain !== options.domain) continue;
    const nameWords = wordsOf(e.name);
    const name = e.name.toLowerCase();
    const doc = e.doc.toLowerCase();
    const sig = e.signature.toLowerCase();
    let score = name === whole ? 50 : 0;
    for (const w of words) {
      if (nameWords.includes(w)) score += 6;
      else if (name.includes(w)) score += 3;
      if (doc.includes(w)) score += 2;
      if (sig.includes(w)) score += 1;
    }
    if (score === 0) continue;
    if (e.kind === "function" || e.kind === "class") score += 0.5;
    matches.push({ ...e, score, resource: apiResourceUri(e.domain) });
  }
  return matches.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, options.limit ?? 10);
}
