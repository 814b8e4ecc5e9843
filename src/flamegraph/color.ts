import type { Frame, FrameKind } from "../profile/model.js";

/** How frames are coloured: by kind (hue family per kind) or by name alone (full hue wheel). */
export type FlameColorBy = "kind" | "name";

export interface KindSwatch {
  /** Base hue in degrees; a name's hash moves it within `hueSpread`. */
  hue: number;
  hueSpread: number;
  saturation: number;
  lightness: number;
  /** What the colour family looks like, for legends. */
  label: string;
}

/**
 * The documented palette. Hue families are far apart so kinds are told apart at a glance;
 * lightness stays ≥ 58% so black labels remain readable on every rectangle.
 * js: orange–yellow · native: blue · kernel: red · gc: purple · idle: grey ·
 * program: green · other: sand.
 */
export const FLAME_KIND_PALETTE: Readonly<Record<FrameKind, KindSwatch>> = {
  js: { hue: 32, hueSpread: 24, saturation: 88, lightness: 60, label: "orange–yellow" },
  native: { hue: 196, hueSpread: 28, saturation: 62, lightness: 64, label: "blue" },
  kernel: { hue: 352, hueSpread: 16, saturation: 72, lightness: 64, label: "red" },
  gc: { hue: 272, hueSpread: 24, saturation: 52, lightness: 70, label: "purple" },
  idle: { hue: 0, hueSpread: 0, saturation: 0, lightness: 80, label: "grey" },
  program: { hue: 128, hueSpread: 30, saturation: 46, lightness: 60, label: "green" },
  other: { hue: 30, hueSpread: 16, saturation: 28, lightness: 66, label: "sand" },
};

/** Colour of the synthetic root ("all") rectangle. */
export const ROOT_COLOR = "#c9c9c9";
/** Colour of frames matching a search, in the HTML view. */
export const MATCH_COLOR = "#e040c0";

/** FNV-1a over UTF-16 units: cheap, stable across runs and platforms. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Deterministic "#rrggbb" for a frame: same name and kind, same colour, in every render. */
export function colorForFrame(frame: Frame | undefined, colorBy: FlameColorBy = "kind"): string {
  if (!frame) return ROOT_COLOR;
  const h = hashName(frame.name);
  // Two independent slices of the hash: one moves the hue, the other nudges lightness.
  const u = (h & 0xffff) / 0xffff;
  const v = ((h >>> 16) & 0xff) / 0xff;
  if (colorBy === "name") return hslToHex(((h >>> 8) % 360 + 360) % 360, 62, 62 + v * 8);
  const s = FLAME_KIND_PALETTE[frame.kind] ?? FLAME_KIND_PALETTE.other;
  const hue = s.hue + (u - 0.5) * s.hueSpread;
  return hslToHex(hue, s.saturation, s.lightness + (v - 0.5) * 8);
}

export function hslToHex(hueDeg: number, saturationPct: number, lightnessPct: number): string {
  const hue = ((hueDeg % 360) + 360) % 360;
  const s = Math.min(100, Math.max(0, saturationPct)) / 100;
  const l = Math.min(100, Math.max(0, lightnessPct)) / 100;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
