/**
 * Discovery for agents writing run_script code: `search_api` finds functions and types by
 * words, and each domain's declarations are a resource (perfscope://api/<domain>.d.ts),
 * so an agent reads the part of the API it needs instead of all of it.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { apiResourceUri, loadApiDocs, readApiDomain, searchApi, type ApiMatch } from "../api-docs/api-docs.js";
import { buildToolError, buildToolResult } from "../tool-result.js";

const DOMAINS = ["core", "profile", "load", "bench", "memory", "rum", "budgets", "reports", "sandbox"] as const;

function describeMatch(m: ApiMatch): string {
  const where = m.brokered ? "brokered" : m.pure ? "in script" : "type";
  const doc = m.doc ? ` — ${m.doc.length > 160 ? `${m.doc.slice(0, 157)}…` : m.doc}` : "";
  return `${m.signature} [${m.domain}, ${where}]${doc}`;
}

export function registerApiTools(server: McpServer): void {
  // Resources are listed even before a build so the list is stable; reading says what is missing.
  for (const domain of DOMAINS) {
    server.registerResource(
      `api-${domain}`,
      apiResourceUri(domain),
      { title: `perfscope API: ${domain}`, description: `TypeScript declarations of the ${domain} part of the library, as run_script sees it (perf.<name>).`, mimeType: "text/plain" },
      (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: readApiDomain(loadApiDocs(), domain) }] }),
    );
  }

  server.registerTool(
    "search_api",
    {
      title: "Search perfscope's API",
      description:
        "Finds library functions and types by words (e.g. 'leak heap', 'compare runs', 'p75') and returns their signatures, one-line docs, whether they run in the script or are brokered to the server, and the resource (perfscope://api/<domain>.d.ts) with the full declarations. Use it before writing run_script code.",
      inputSchema: {
        query: z.string().min(1).max(200).describe("words or a name"),
        domain: z.enum(DOMAINS).optional().describe("only this part of the API"),
        limit: z.number().int().min(1).max(50).default(10),
      },
      outputSchema: {
        matches: z.array(z.object({ name: z.string(), kind: z.string(), domain: z.string(), brokered: z.boolean(), signature: z.string(), doc: z.string(), resource: z.string() })),
        domains: z.array(z.object({ domain: z.string(), summary: z.string(), declarations: z.number(), resource: z.string() })),
      },
      annotations: { title: "Search API", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) => {
      try {
        const docs = loadApiDocs();
        const matches = searchApi(docs, args.query, { ...(args.domain ? { domain: args.domain } : {}), limit: args.limit });
        const lines = matches.length
          ? matches.map(describeMatch)
          : [`Nothing matches ${JSON.stringify(args.query)}. Domains: ${docs.domains.map((d) => `${d.domain} (${d.summary})`).join("; ")}.`];
        const resources = [...new Set(matches.map((m) => m.resource))];
        const text = `${lines.join("\n")}\nFull declarations: ${resources.length ? resources.join(", ") : "perfscope://api/<domain>.d.ts"}`;
        return buildToolResult(text, {}, {
          matches: matches.map(({ name, kind, domain, brokered, signature, doc, resource }) => ({ name, kind, domain, brokered, signature, doc, resource })),
          domains: docs.domains.map((d) => ({ ...d, resource: apiResourceUri(d.domain) })),
        });
      } catch (error) {
        return buildToolError(error);
      }
    },
  );
}
