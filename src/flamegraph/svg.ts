import type { FrameKind, Profile } from "../profile/model.js";
import { FLAME_KIND_PALETTE, colorForFrame, hslToHex, type FlameColorBy } from "./color.js";
import { truncateText } from "../core/text.js";
import { formatWeight } from "../profile/format.js";
import { MAX_DISPLAY_CHARS, describeFrameLines, escapeXml, formatShare } from "./format.js";
import { layoutFlameGraph, type FlameLayout, type FlameMergeMode } from "./layout.js";

/** "flame": root at the bottom, callees grow upwards. "icicle": root at the top. */
export type FlameOrientation = "flame" | "icicle";

export interface FlameSvgOptions {
  /** Heading; defaults to the profile's name. */
  title?: string;
  /** Image width in pixels (default 1200). */
  width?: number;
  orientation?: FlameOrientation;
  colorBy?: FlameColorBy;
  merge?: FlameMergeMode;
  maxDepth?: number;
  /** Frames narrower than this many pixels are pruned (default 0.5). */
  minWidthPx?: number;
  /** Upper bound on drawn frames, which bounds the file size (default 8,000 ≈ 3 MB at most). */
  maxRects?: number;
  /** Row height in pixels (default 16). */
  rowHeight?: number;
}

const PAD = 10;
const HEADER = 58;
const FONT_SIZE = 11;
// Labels use a monospace font so the characters that fit can be computed without measuring.
const CHAR_WIDTH = FONT_SIZE * 0.6;
const FONT = "ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace";

/** Renders the profile as one self-contained SVG document (no scripts, no external resources). */
export function renderFlameGraphSvg(profile: Profile, options: FlameSvgOptions = {}): string {
  const width = Math.max(200, Math.round(options.width ?? 1200));
  const graphWidth = width - 2 * PAD;
  const rowHeight = Math.max(8, options.rowHeight ?? 16);
  const layout = layoutFlameGraph(profile, {
    minWidthFraction: Math.max(0, options.minWidthPx ?? 0.5) / graphWidth,
    maxRects: options.maxRects ?? 8000,
    merge: options.merge ?? "call-path",
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
  });
  const icicle = options.orientation === "icicle";
  const colorBy = options.colorBy ?? "kind";
  const height = HEADER + (layout.maxDepth + 1) * rowHeight + PAD;
  const title = options.title ?? profile.meta.name ?? "Flame graph";

  const out: string[] = [];
  out.push(
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">\n`,
    `<style>text{font-family:${FONT};font-size:${FONT_SIZE}px;fill:#111}.h{font-size:16px;font-weight:bold}.s{fill:#444}rect{stroke:#fff;stroke-width:0.5}</style>\n`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fafafa" stroke="none"/>\n`,
    `<text class="h" x="${PAD}" y="22">${escapeXml(truncateText(title, 120))}</text>\n`,
    `<text class="s" x="${PAD}" y="40">${escapeXml(describeHeader(layout))}</text>\n`,
  );
  if (colorBy === "kind") out.push(renderLegend(layout, width));
  if (layout.totalWeight <= 0) out.push(`<text x="${PAD}" y="${HEADER + 12}">No samples.</text>\n`);

  for (const r of layout.rects) {
    if (layout.totalWeight <= 0) break;
    const frame = r.frame >= 0 ? layout.frames[r.frame] : undefined;
    const x = PAD + r.x * graphWidth;
    const w = r.width * graphWidth;
    const row = icicle ? r.depth : layout.maxDepth - r.depth;
    const y = HEADER + row * rowHeight;
    const tip = describeFrameLines(frame, r.total, r.self, layout.unit, layout.totalWeight).join("\n");
    out.push(
      `<g><title>${escapeXml(tip)}</title><rect x="${fmt(x)}" y="${y}" width="${fmt(w)}" height="${rowHeight - 1}" fill="${colorForFrame(frame, colorBy)}"/>`,
    );
    const maxChars = Math.floor((w - 6) / CHAR_WIDTH);
    if (maxChars >= 3) {
      const name = r.frame >= 0 ? (frame?.name ?? "?") : `all (${formatWeight(layout.unit, layout.totalWeight)})`;
      const label = truncateText(name, Math.min(maxChars, MAX_DISPLAY_CHARS));
      out.push(`<text x="${fmt(x + 3)}" y="${y + rowHeight - 4.5}">${escapeXml(label)}</text>`);
    }
    out.push("</g>\n");
  }
  out.push("</svg>\n");
  return out.join("");
}

function describeHeader(layout: FlameLayout): string {
  const parts = [
    `${layout.sampleCount.toLocaleString("en-US")} samples`,
    `total ${formatWeight(layout.unit, layout.totalWeight)}`,
    `unit: ${layout.unit}`,
    `${(layout.rects.length - 1).toLocaleString("en-US")} frames drawn`,
  ];
  const hidden = layout.pruned.weight + layout.depthLimited.weight;
  if (layout.pruned.subtrees > 0) {
    parts.push(`${layout.pruned.subtrees.toLocaleString("en-US")} narrow subtrees hidden: ${formatShare(layout.unit, layout.pruned.weight, layout.totalWeight)}`);
  }
  if (layout.depthLimited.subtrees > 0) parts.push(`cut below depth limit: ${formatShare(layout.unit, layout.depthLimited.weight, layout.totalWeight)}`);
  if (hidden === 0) parts.push("nothing hidden");
  return parts.join(" · ");
}

/** Colour key for the kinds actually drawn, right-aligned in the header. */
function renderLegend(layout: FlameLayout, width: number): string {
  const kinds = new Set<FrameKind>();
  for (const r of layout.rects) {
    const f = r.frame >= 0 ? layout.frames[r.frame] : undefined;
    if (f) kinds.add(f.kind);
  }
  const order: FrameKind[] = ["js", "native", "kernel", "gc", "idle", "program", "other"];
  const shown = order.filter((k) => kinds.has(k));
  const parts: string[] = [];
  let x = width - PAD - shown.reduce((sum, k) => sum + 22 + k.length * CHAR_WIDTH, 0);
  for (const kind of shown) {
    const s = FLAME_KIND_PALETTE[kind];
    parts.push(`<rect x="${fmt(x)}" y="13" width="12" height="12" fill="${hslToHex(s.hue, s.saturation, s.lightness)}"/>`);
    parts.push(`<text x="${fmt(x + 15)}" y="23">${kind}</text>`);
    x += 22 + kind.length * CHAR_WIDTH;
  }
  return parts.length > 0 ? `<g>${parts.join("")}</g>\n` : "";
}

/** Two decimals are plenty for pixel positions and keep the file small. */
function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}
