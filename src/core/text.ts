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
