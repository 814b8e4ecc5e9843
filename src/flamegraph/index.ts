/** Flame graphs for any Profile (CPU time, allocations): layout, static SVG, interactive HTML. */
export {
  layoutFlameGraph,
  DEFAULT_MAX_RECTS,
  DEFAULT_MIN_WIDTH_FRACTION,
  type FlameHidden,
  type FlameLayout,
  type FlameLayoutOptions,
  type FlameMergeMode,
  type FlameRect,
} from "./layout.js";
export { renderFlameGraphSvg, type FlameOrientation, type FlameSvgOptions } from "./svg.js";
export { renderFlameGraphHtml, type FlameHtmlOptions } from "./html.js";
export { FLAME_KIND_PALETTE, colorForFrame, type FlameColorBy, type KindSwatch } from "./color.js";
