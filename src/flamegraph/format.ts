import { truncateText } from "../core/text.js";
import { formatPercent } from "../core/units.js";
import { formatFrameLocation, formatWeight } from "../profile/format.js";
import type { Frame, ProfileUnit } from "../profile/model.js";

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

/** Longest name or path kept for display; longer ones (generated code) are cut to bound output. */
export const MAX_DISPLAY_CHARS = 300;

/** "12.3ms (45.6%)": weight and its share of the total. */
export function formatShare(unit: ProfileUnit, weight: number, totalWeight: number): string {
  const share = totalWeight > 0 ? weight / totalWeight : 0;
  return `${formatWeight(unit, weight)} (${formatPercent(share, share < 0.001 && share > 0 ? 3 : 1)})`;
}

/** The text shown for a frame in tooltips: name, location, total and self with shares. */
export function describeFrameLines(frame: Frame | undefined, total: number, self: number, unit: ProfileUnit, totalWeight: number): string[] {
  const lines = [truncateText(frame?.name ?? "all", MAX_DISPLAY_CHARS)];
  const loc = formatFrameLocation(frame);
  if (loc) lines.push(truncateText(loc, MAX_DISPLAY_CHARS));
  lines.push(`total: ${formatShare(unit, total, totalWeight)}`);
  lines.push(`self: ${formatShare(unit, self, totalWeight)}`);
  return lines;
}
