import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "../profile/builder.js";
import type { FrameKind } from "../profile/model.js";
import { FLAME_KIND_PALETTE, colorForFrame } from "./color.js";
import { renderFlameGraphSvg } from "./svg.js";
import { HOSTILE_FILE, HOSTILE_NAMES, HOT_FUNCTION, INVALID_XML_NAMES, buildHostileProfile, generateProfile, weighPaths } from "./test-helpers/profiles.js";
import { findElements, parseXmlStrict, textOf, type XmlElement } from "./test-helpers/xml-strict.js";

/** Each frame group: tooltip text, rect geometry and fill, label text if any. */
function frameGroups(svg: string): Array<{ tip: string; x: number; y: number; width: number; fill: string; label: string | null }> {
  return findElements(parseXmlStrict(svg), "g")
    .filter((g) => g.children.some((c) => typeof c !== "string" && c.name === "title"))
    .map((g) => {
      const el = (name: string): XmlElement | undefined => g.children.find((c): c is XmlElement => typeof c !== "string" && c.name === name);
      const rect = el("rect")!;
      const text = el("text");
      return {
        tip: textOf(el("title")!),
        x: Number(rect.attrs.x),
        y: Number(rect.attrs.y),
        width: Number(rect.attrs.width),
        fill: rect.attrs.fill!,
        label: text ? textOf(text) : null,
      };
    });
}

function hueOf(hex: string): { hue: number; grey: boolean } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d < 1e-9) return { hue: 0, grey: true };
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (h * 60 + 360) % 360, grey: false };
}

describe("renderFlameGraphSvg", () => {
  it("is well-formed XML and carries hostile names and files exactly, escaped", () => {
    const svg = renderFlameGraphSvg(buildHostileProfile());
    const groups = frameGroups(svg);
    for (const name of HOSTILE_NAMES) {
      const g = groups.find((x) => x.tip.split("\n")[0] === name);
      expect(g, name).toBeDefined();
      expect(g!.tip.split("\n")[1]).toMatch(/^\/tmp\/we<ird>&"dir"\/app's\.js:\d+:3$/);
    }
    for (const name of INVALID_XML_NAMES) {
      expect(groups.some((x) => x.tip.startsWith(name.replace("\u0001", "\uFFFD").replace("\uD800", "\uFFFD")))).toBe(true);
    }
    expect(svg).not.toContain("<script");
    expect(svg).toContain(HOSTILE_FILE.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
    const title = findElements(parseXmlStrict(svg), "text").map(textOf);
    expect(title).toContain('Hostile <profile> & "friends"');
  });

  it("truncates labels to fit their rectangle without splitting non-BMP characters", () => {
    const b = new ProfileBuilder("samples");
    for (let i = 0; i < 6; i++) b.addStack([{ name: "root" }, { name: `${"😀𝔘".repeat(40)}_${i}` }], 1 + i);
    const groups = frameGroups(renderFlameGraphSvg(b.build(), { width: 700 }));
    const labelled = groups.filter((g) => g.label !== null && g.tip.startsWith("😀"));
    expect(labelled.length).toBeGreaterThan(0);
    for (const g of labelled) {
      const points = Array.from(g.label!);
      expect(points.length * 6.6).toBeLessThanOrEqual(g.width - 6 + 1e-6);
      expect(g.label!.endsWith("…")).toBe(true);
      expect(g.tip.startsWith(g.label!.slice(0, -1))).toBe(true);
    }
  });

  it("colours kinds from distinct hue families, deterministically by name", () => {
    const kinds: FrameKind[] = ["js", "native", "kernel", "gc", "program"];
    for (const kind of kinds) {
      const swatch = FLAME_KIND_PALETTE[kind];
      for (const name of ["alpha", "beta", "gamma", "a-much-longer-function-name"]) {
        const { hue } = hueOf(colorForFrame({ name, kind }));
        const distance = Math.min(Math.abs(hue - swatch.hue), 360 - Math.abs(hue - swatch.hue));
        expect(distance, `${kind} ${name}`).toBeLessThanOrEqual(swatch.hueSpread / 2 + 2);
      }
    }
    expect(hueOf(colorForFrame({ name: "x", kind: "idle" })).grey).toBe(true);
    expect(colorForFrame({ name: "same", kind: "js" })).toBe(colorForFrame({ name: "same", kind: "js" }));
    expect(colorForFrame({ name: "one", kind: "js" })).not.toBe(colorForFrame({ name: "two", kind: "js" }));
    // colorBy "name": the kind no longer matters, only the name.
    expect(colorForFrame({ name: "x", kind: "js" }, "name")).toBe(colorForFrame({ name: "x", kind: "native" }, "name"));
    expect(colorForFrame({ name: "x", kind: "js" }, "name")).not.toBe(colorForFrame({ name: "y", kind: "js" }, "name"));
    const b = new ProfileBuilder("samples");
    b.addStack([{ name: "main", file: "/a.js", kind: "js" }, { name: "read", file: "/libc.so", kind: "native" }], 5);
    const fills = new Map(frameGroups(renderFlameGraphSvg(b.build())).map((g) => [g.tip.split("\n")[0], g.fill]));
    expect(fills.get("main")).toBe(colorForFrame({ name: "main", kind: "js" }));
    expect(fills.get("read")).toBe(colorForFrame({ name: "read", kind: "native" }));
  });

  it("says total and self with unit and share of the total in each tooltip", () => {
    const profile = generateProfile({ seed: 3, samples: 5000, distinctStacks: 100, hotShare: 0.4 });
    const hotFrame = profile.frames.findIndex((f) => f.name === HOT_FUNCTION);
    const hotTotal = [...weighPaths(profile)].filter(([k]) => k.split("/").length === 3 && k.split("/")[2] === String(hotFrame)).reduce((a, [, p]) => a + p.total, 0);
    const grand = profile.samples.weight.reduce((a, b) => a + b, 0);
    const tip = frameGroups(renderFlameGraphSvg(profile)).find((g) => g.tip.startsWith(`${HOT_FUNCTION}\n`))!.tip;
    const lines = tip.split("\n");
    expect(lines[1]).toBe("/app/src/hot.js:7");
    expect(lines[2]).toBe(`total: ${(hotTotal / 1000).toFixed(1)}ms (${((hotTotal / grand) * 100).toFixed(1)}%)`);
    expect(lines[3]).toMatch(/^self: [\d.]+(µs|ms|s) \(\d+\.\d+%\)$/);
  });

  it("puts the root at the bottom for flame and at the top for icicle", () => {
    const profile = generateProfile({ seed: 5, samples: 500, distinctStacks: 20 });
    const rootY = (svg: string): number => frameGroups(svg).find((g) => g.tip.startsWith("all\n"))!.y;
    const ys = (svg: string): number[] => frameGroups(svg).map((g) => g.y);
    const flame = renderFlameGraphSvg(profile, { orientation: "flame" });
    const icicle = renderFlameGraphSvg(profile, { orientation: "icicle" });
    expect(rootY(flame)).toBe(Math.max(...ys(flame)));
    expect(rootY(icicle)).toBe(Math.min(...ys(icicle)));
  });

  it("prunes to maxRects so the file stays bounded, and says so in the header", () => {
    const profile = generateProfile({ seed: 11, samples: 50_000, distinctStacks: 3000 });
    const svg = renderFlameGraphSvg(profile, { maxRects: 300 });
    expect(frameGroups(svg).length).toBeLessThanOrEqual(300);
    expect(svg).toMatch(/narrow subtrees hidden: [\d.]+(µs|ms|s|min) \(\d+\.\d+%\)/);
  });
});
