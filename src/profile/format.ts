import { fileURLToPath } from "node:url";
import { formatBytes, formatDuration, ms } from "../core/units.js";
import { weightToMs, type Frame, type ProfileUnit } from "./model.js";

/**
 * How profiles show to people, shared by analyzers, reporters and flame graphs: weights in
 * their unit, and where a function is defined.
 */

/** "12.3ms", "4.0 MB", "1,234 samples": a weight in the profile's unit. */
export function formatWeight(unit: ProfileUnit, weight: number): string {
  const asMs = weightToMs(unit, weight);
  if (asMs !== null) return formatDuration(ms(asMs));
  if (unit === "bytes") return formatBytes(weight);
  const n = Number.isInteger(weight) ? weight.toLocaleString("en-US") : weight.toFixed(2);
  return unit === "samples" ? `${n} samples` : n;
}

/** A frame's file as people read it: `file://` URLs (how V8 names modules) become paths. */
export function displayFile(file: string | undefined): string | null {
  if (!file) return null;
  if (file.startsWith("file://")) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

/**
 * Where a function is defined, as `file:line:column`, or "" when unknown. Files under
 * `relativeTo` are shown relative to it, as editors and terminals link them.
 */
export function formatFrameLocation(frame: Pick<Frame, "file" | "line" | "column"> | undefined, relativeTo?: string): string {
  let file = displayFile(frame?.file);
  if (!frame || !file) return "";
  const prefix = relativeTo ? (relativeTo.endsWith("/") ? relativeTo : `${relativeTo}/`) : null;
  if (prefix && file.startsWith(prefix)) file = file.slice(prefix.length);
  if (frame.line === undefined) return file;
  return `${file}:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}`;
}
