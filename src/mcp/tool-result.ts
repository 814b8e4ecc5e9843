import { pathToFileURL } from "node:url";
import { describeError, isPerfError } from "../core/errors.js";

/** Every tool's text summary is capped so an agent's context only gets insights. */
export const SUMMARY_CAP_BYTES = 2048;

export function capText(text: string, cap = SUMMARY_CAP_BYTES): string {
  if (Buffer.byteLength(text) <= cap) return text;
  const note = `\n… (summary capped at ${cap} bytes; full results in the linked files)`;
  let cut = text.slice(0, cap - note.length);
  while (Buffer.byteLength(cut) > cap - note.length) cut = cut.slice(0, -16);
  return cut + note;
}

const MIME_BY_EXT: Record<string, string> = {
  ".json": "application/json",
  ".cpuprofile": "application/json",
  ".svg": "image/svg+xml",
  ".html": "text/html",
  ".md": "text/markdown",
  ".folded": "text/plain",
};

function mimeFor(path: string): string {
  const ext = path.slice(path.lastIndexOf("."));
  return MIME_BY_EXT[ext] ?? "application/octet-stream";
}

/** A tool result: short text, resource links to the full artifacts, and structured content. */
export function buildToolResult(summary: string, files: Record<string, string>, structured: Record<string, unknown>) {
  return {
    content: [
      { type: "text" as const, text: capText(summary) },
      ...Object.entries(files).map(([name, path]) => ({
        type: "resource_link" as const,
        name,
        uri: pathToFileURL(path).href,
        mimeType: mimeFor(path),
        description: `${name}: ${path}`,
      })),
    ],
    structuredContent: structured,
  };
}

/** Errors go back to the agent as a tool error with the code, place and hint, never as a crash. */
export function buildToolError(error: unknown) {
  return {
    isError: true,
    content: [{ type: "text" as const, text: capText(describeError(error)) }],
    ...(isPerfError(error) ? { structuredContent: undefined } : {}),
  };
}
