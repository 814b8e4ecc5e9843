import type { Frame, FrameKind, Profile } from "../profile/model.js";
import { weightToMs } from "../profile/model.js";
import { FLAME_KIND_PALETTE, MATCH_COLOR, ROOT_COLOR, colorForFrame, hslToHex, type FlameColorBy } from "./color.js";
import { truncateText } from "../core/text.js";
import { formatFrameLocation, formatWeight } from "../profile/format.js";
import { MAX_DISPLAY_CHARS, escapeXml, sanitizeText, formatShare } from "./format.js";
import { FLAME_CLIENT_SCRIPT } from "./html-client.js";
import { layoutFlameGraph, type FlameLayout, type FlameMergeMode } from "./layout.js";
import type { FlameOrientation } from "./svg.js";

export interface FlameHtmlOptions {
  /** Page heading; defaults to the profile's name. */
  title?: string;
  /** Default "icicle" (root on top), which suits deep stacks on a scrolling page. */
  orientation?: FlameOrientation;
  colorBy?: FlameColorBy;
  merge?: FlameMergeMode;
  maxDepth?: number;
  /** Frames narrower than this fraction are left out (default 0.00002, so zooming reveals detail). */
  minWidthFraction?: number;
  /** Upper bound on embedded frames, which bounds the page size (default 50,000 ≈ 2–3 MB). */
  maxRects?: number;
}

/** The data the page script reads; see html-client.ts for the `r` layout. */
interface EmbeddedFlame {
  unit: string;
  msPerUnit: number | null;
  totalWeight: number;
  orientation: FlameOrientation;
  rootColor: string;
  matchColor: string;
  names: string[];
  locs: string[];
  colors: string[];
  r: number[];
}

const STYLE = `
*{box-sizing:border-box}html{overflow-y:scroll}body{margin:0;font:13px system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1b1b;background:#fafafa}
header{padding:10px 14px 6px;border-bottom:1px solid #ddd;background:#fff}h1{font-size:17px;margin:0 0 4px;word-break:break-all}
.meta{color:#555}.legend span{display:inline-block;margin-right:10px}.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
.bar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:6px 14px;background:#f3f3f3;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:2}
#fg-search{width:260px;padding:3px 6px}#fg-match{color:#7a1868;font-weight:600}
#fg-crumbs{padding:4px 14px;min-height:26px}.crumb{border:0;background:none;color:#0645ad;cursor:pointer;font:inherit;padding:0}.crumb:disabled{color:#1b1b1b;cursor:default;font-weight:600}
#fg-wrap{position:relative;margin:0 14px 14px;overflow:hidden}#fg-wrap canvas{position:absolute;left:0;top:0}#fg-canvas{position:relative !important}
#fg-tip{position:fixed;display:none;pointer-events:none;white-space:pre;background:#fffff0;border:1px solid #999;padding:5px 8px;font:12px ui-monospace,Menlo,Consolas,monospace;box-shadow:0 2px 6px rgba(0,0,0,.2);z-index:5;max-width:90vw;overflow:hidden}
`;

/**
 * Renders the profile as one self-contained interactive HTML page: the pruned, merged call
 * tree is embedded (never the samples), so a 1M-sample profile gives a page of bounded size.
 */
export function renderFlameGraphHtml(profile: Profile, options: FlameHtmlOptions = {}): string {
  const layout = layoutFlameGraph(profile, {
    minWidthFraction: options.minWidthFraction ?? 0.00002,
    maxRects: options.maxRects ?? 50_000,
    merge: options.merge ?? "call-path",
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
  });
  const title = options.title ?? profile.meta.name ?? "Flame graph";
  const data = encodeLayout(layout, options.orientation ?? "icicle", options.colorBy ?? "kind");
  return [
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
    // The page must never touch the network: the policy forbids every fetch, inline code only.
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n",
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeXml(truncateText(title, 120))} — flame graph</title>\n`,
    `<style>${STYLE}</style>\n</head>\n<body>\n<header>\n<h1>${escapeXml(truncateText(title, MAX_DISPLAY_CHARS))}</h1>\n`,
    `<div class="meta">${escapeXml(describeProfile(profile, layout))}</div>\n`,
    `<div class="meta">${escapeXml(describeHidden(layout))}</div>\n`,
    options.colorBy === "name" ? "" : renderLegend(layout),
    "</header>\n<div class=\"bar\"><input id=\"fg-search\" type=\"search\" placeholder=\"Search frames (name or file) — press /\" aria-label=\"Search frames\">",
    "<span id=\"fg-match\" aria-live=\"polite\"></span><button id=\"fg-reset\" type=\"button\">Reset zoom</button>",
    "<span class=\"meta\">Click a frame to zoom · Esc resets</span></div>\n<nav id=\"fg-crumbs\" aria-label=\"Zoom path\"></nav>\n",
    "<div id=\"fg-wrap\"><canvas id=\"fg-canvas\"></canvas><canvas id=\"fg-overlay\"></canvas></div>\n<div id=\"fg-tip\" role=\"tooltip\"></div>\n",
    `<script type="application/json" id="fg-data">${embedJson(data)}</script>\n`,
    `<script>${FLAME_CLIENT_SCRIPT}</script>\n</body>\n</html>\n`,
  ].join("");
}

/**
 * JSON that is safe inside a `<script>` element: "<" becomes \u003c so neither `</script>`
 * nor `<!--` can appear, and U+2028/U+2029 are escaped for older parsers.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function encodeLayout(layout: FlameLayout, orientation: FlameOrientation, colorBy: FlameColorBy): EmbeddedFlame {
  // Only frames that are drawn are embedded, renumbered densely.
  const local = new Map<number, number>();
  const names: string[] = [];
  const locs: string[] = [];
  const colors: string[] = [];
  const r: number[] = [];
  for (const rect of layout.rects) {
    let f = -1;
    if (rect.frame >= 0) {
      const known = local.get(rect.frame);
      if (known === undefined) {
        f = names.length;
        local.set(rect.frame, f);
        const frame: Frame | undefined = layout.frames[rect.frame];
        // Same replacement of unprintable characters as the SVG, so both views show the same text.
        names.push(sanitizeText(truncateText(frame?.name ?? "?", MAX_DISPLAY_CHARS)));
        locs.push(sanitizeText(truncateText(formatFrameLocation(frame), MAX_DISPLAY_CHARS)));
        colors.push(colorForFrame(frame, colorBy));
      } else f = known;
    }
    const parentStart = rect.parent >= 0 ? layout.rects[rect.parent]!.start : 0;
    r.push(rect.parent, f, compact(rect.start - parentStart), compact(rect.total), compact(rect.self));
  }
  return {
    unit: layout.unit,
    msPerUnit: weightToMs(layout.unit, 1),
    totalWeight: layout.totalWeight,
    orientation,
    rootColor: ROOT_COLOR,
    matchColor: MATCH_COLOR,
    names,
    locs,
    colors,
    r,
  };
}

/** Float sums carry noise digits (0.30000000000000004); 12 significant digits are plenty. */
function compact(n: number): number {
  return Number.isInteger(n) ? n : Number(n.toPrecision(12));
}

function describeProfile(profile: Profile, layout: FlameLayout): string {
  const m = profile.meta;
  const parts: string[] = [];
  if (m.target) parts.push(`target: ${truncateText(m.target, 200)}`);
  parts.push(`${layout.sampleCount.toLocaleString("en-US")} samples`, `total ${formatWeight(layout.unit, layout.totalWeight)}`, `unit: ${layout.unit}`);
  if (m.durationMs !== undefined) parts.push(`duration ${(m.durationMs / 1000).toFixed(2)}s`);
  if (m.collector) parts.push(`collector: ${m.collector}`);
  if (m.partial) parts.push(`partial: ${m.partial.reason}`);
  return parts.join(" · ");
}

function describeHidden(layout: FlameLayout): string {
  const parts = [`${(layout.rects.length - 1).toLocaleString("en-US")} frames embedded`];
  if (layout.pruned.subtrees > 0) {
    parts.push(
      `${layout.pruned.subtrees.toLocaleString("en-US")} subtrees narrower than ${formatShare(layout.unit, layout.pruned.thresholdWeight, layout.totalWeight)} left out, together ${formatShare(layout.unit, layout.pruned.weight, layout.totalWeight)} (still counted in their parents)`,
    );
  }
  if (layout.depthLimited.subtrees > 0) parts.push(`cut below depth limit: ${formatShare(layout.unit, layout.depthLimited.weight, layout.totalWeight)}`);
  return parts.join(" · ");
}

function renderLegend(layout: FlameLayout): string {
  const kinds = new Set<FrameKind>();
  for (const rect of layout.rects) {
    const f = rect.frame >= 0 ? layout.frames[rect.frame] : undefined;
    if (f) kinds.add(f.kind);
  }
  const items = (Object.keys(FLAME_KIND_PALETTE) as FrameKind[])
    .filter((k) => kinds.has(k))
    .map((k) => {
      const s = FLAME_KIND_PALETTE[k];
      return `<span><i style="background:${hslToHex(s.hue, s.saturation, s.lightness)}"></i>${k}</span>`;
    });
  return items.length > 0 ? `<div class="meta legend">${items.join("")}</div>\n` : "";
}
