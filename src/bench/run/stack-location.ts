/**
 * Finds "file:line" in stack traces and error messages, so an errored benchmark points at
 * the line of the bench file that failed rather than at the harness.
 */
import { fileURLToPath } from "node:url";

export interface SourceLocation {
  file: string;
  line?: number;
}

// A V8 frame ends in "(path:line:col)" or "path:line:col"; paths may be file:// URLs.
const FRAME_RE = /((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/;

function toPath(fileOrUrl: string): string {
  if (!fileOrUrl.startsWith("file://")) return fileOrUrl;
  try {
    return fileURLToPath(fileOrUrl);
  } catch {
    return fileOrUrl;
  }
}

/** The frames of a V8 stack as locations, innermost first (lines that are not frames are skipped). */
export function parseStackFrames(stack: string): SourceLocation[] {
  const frames: SourceLocation[] = [];
  for (const raw of stack.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("at ")) continue;
    const m = FRAME_RE.exec(line);
    if (m?.[1] && m[2]) frames.push({ file: toPath(m[1]), line: Number(m[2]) });
  }
  return frames;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The first line number of `file` mentioned in a stack or message: a frame
 * ("at fn (/x/a.bench.ts:4:9)") or a compiler diagnostic ("/x/a.bench.ts:2:0: ERROR").
 */
export function findLineOfFile(text: string, file: string): number | undefined {
  for (const frame of parseStackFrames(text)) {
    if (frame.file === file && frame.line !== undefined) return frame.line;
  }
  const m = new RegExp(`${escapeRegExp(file)}:(\\d+)`).exec(text);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** "file:line" when the line is known, else "file". */
export function formatSourceLocation(location: SourceLocation): string {
  return location.line === undefined ? location.file : `${location.file}:${location.line}`;
}
