import { formatBytes, formatDuration, formatPercent, ms } from "../core/units.js";
import { weightToMs, type Frame, type ProfileUnit } from "../profile/model.js";

/**
 * Text helpers shared by the SVG and HTML renderers: XML escaping that also removes
 * characters XML 1.0 forbids, code-point-safe truncation, and weights with their unit.
 */

// Control characters other than tab/LF/CR, lone surrogates and U+FFFE/U+FFFF are not allowed
// in XML 1.0 even as character references; profiles of binaries can contain them in names.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_SPECIAL = /[&<>"']/g;
const XML_ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Makes text safe for XML/HTML element content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, "\uFFFD").replace(XML_SPECIAL, (c) => XML_ENTITY[c] ?? c);
}

/** Replaces characters that XML forbids (and lone surrogates) without escaping markup. */
export function sanitizeText(text: string): string {
  return text.replace(XML_INVALID, "\uFFFD");
}

/**
 * Shortens `text` to at most `maxChars` code points, ending with "…" when cut. Works on
 * code points so an emoji or other non-BMP character is never split into a lone surrogate.
 */
export function truncateText(text: string, maxChars: number): string {
  if (maxChars <= 0) return "";
  // Fast path: UTF-16 length is an upper bound on code points.
  if (text.length <= maxChars) return text;
  const points = Array.from(text);
  if (points.length <= maxChars) return text;
  if (maxChars === 1) return "…";
  return points.slice(0, maxChars - 1).join("") + "…";
}

/** Longest name or path kept for display; longer ones (generated code) are cut to bound output. */
export const MAX_DISPLAY_CHARS = 300;

export function frameLocation(frame: Frame | undefined): string {
  if (!frame?.file) return "";
  let loc = frame.file;
  if (frame.line !== undefined) {
    loc += `:${frame.line}`;
    if (frame.column !== undefined) loc += `:${frame.column}`;
  }
  return loc;
}

/** "12.3ms", "4.0 MB", "1,234 samples": a weight in the profile's unit, for people. */
export function formatWeight(unit: ProfileUnit, weight: number): string {
  const asMs = weightToMs(unit, weight);
  if (asMs !== null) return formatDuration(ms(asMs));
  if (unit === "bytes") return formatBytes(weight);
  const n = Number.isInteger(weight) ? weight.toLocaleString("en-US") : weight.toFixed(2);
  return unit === "samples" ? `${n} samples` : n;
}

/** "12.3ms (45.6%)": weight and its share of the total. */
export function formatShare(unit: ProfileUnit, weight: number, totalWeight: number): string {
  const share = totalWeight > 0 ? weight / totalWeight : 0;
  return `${formatWeight(unit, weight)} (${formatPercent(share, share < 0.001 && share > 0 ? 3 : 1)})`;
}

/** The text shown for a frame in tooltips: name, location, total and self with shares. */
export function describeFrameLines(frame: Frame | undefined, total: number, self: number, unit: ProfileUnit, totalWeight: number): string[] {
  const lines = [truncateText(frame?.name ?? "all", MAX_DISPLAY_CHARS)];
  const loc = frameLocation(frame);
  if (loc) lines.push(truncateText(loc, MAX_DISPLAY_CHARS));
  lines.push(`total: ${formatShare(unit, total, totalWeight)}`);
  lines.push(`self: ${formatShare(unit, self, totalWeight)}`);
  return lines;
}
