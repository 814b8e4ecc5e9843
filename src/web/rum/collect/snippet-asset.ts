/**
 * The browser snippet, served by the collector itself so a site needs one <script> tag
 * and no build step. Read once at start (a missing file fails the start, not a visitor),
 * cached in memory, revalidated by ETag.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { PerfError } from "../../../core/errors.js";

export const SNIPPET_PATH = "/perfscope-rum.js";

export interface SnippetAsset {
  body: Buffer;
  etag: string;
  headers: OutgoingHttpHeaders;
}

export async function loadSnippetAsset(file: string): Promise<SnippetAsset> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    throw new PerfError("USAGE", `RUM collector: cannot read the snippet file: ${(error as Error).message}`, {
      where: { file },
      hint: "Pass the path of the built browser snippet (perfscope-rum.js) to serveSnippet, or leave it out.",
      cause: error,
    });
  }
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return {
    body,
    etag,
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "content-length": body.length,
      etag,
      // Short: a new snippet reaches pages within minutes; the ETag makes the re-check cheap.
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    },
  };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

export function serveSnippetAsset(req: IncomingMessage, res: ServerResponse, asset: SnippetAsset): void {
  if (etagMatches(req.headers["if-none-match"], asset.etag)) {
    res.writeHead(304, { etag: asset.etag, "cache-control": "public, max-age=300" });
    res.end();
    return;
  }
  res.writeHead(200, asset.headers);
  res.end(asset.body);
}
