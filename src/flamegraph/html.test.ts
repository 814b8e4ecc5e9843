import { describe, expect, it } from "vitest";
import { renderFlameGraphHtml } from "./html.js";
import { layoutFlameGraph } from "./layout.js";
import { HOSTILE_FILE, HOSTILE_NAMES, buildHostileProfile, generateProfile } from "./test-helpers/profiles.js";

interface Embedded {
  unit: string;
  totalWeight: number;
  names: string[];
  locs: string[];
  colors: string[];
  r: number[];
}

/** Script elements as an HTML parser sees them: each ends at the first "</script". */
function scriptsOf(html: string): Array<{ attrs: string; body: string }> {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script/gi)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

function embeddedData(html: string): Embedded {
  const data = scriptsOf(html).find((s) => s.attrs.includes('id="fg-data"'));
  return JSON.parse(data!.body) as Embedded;
}

describe("renderFlameGraphHtml", () => {
  it("survives </script> and other markup in frame names", () => {
    const html = renderFlameGraphHtml(buildHostileProfile());
    const scripts = scriptsOf(html);
    expect(scripts).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain("<!-- not a comment");
    const data = embeddedData(html);
    for (const name of HOSTILE_NAMES) expect(data.names).toContain(name);
    expect(data.locs.some((l) => l.startsWith(HOSTILE_FILE))).toBe(true);
    // The page script must still be intact JavaScript after the data block.
    expect(() => new Function(scripts[1]!.body)).not.toThrow();
    expect(html).toContain("<h1>Hostile &lt;profile&gt; &amp; &quot;friends&quot;</h1>");
  });

  it("loads nothing from the network", () => {
    const html = renderFlameGraphHtml(generateProfile({ seed: 2, samples: 2000, distinctStacks: 50 }));
    expect(html).not.toMatch(/\b(?:https?|ftp|wss?):/i);
    expect(html).not.toMatch(/\b(?:src|href|action|srcset)\s*=/i);
    expect(html).not.toMatch(/<(?:link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/url\(|@import|fetch\(|XMLHttpRequest|WebSocket|EventSource|import\(/);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it("embeds the pruned merged tree, consistent with the layout", () => {
    const profile = generateProfile({ seed: 4, samples: 20_000, distinctStacks: 500, deepShare: 0.05 });
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0.001 });
    const data = embeddedData(renderFlameGraphHtml(profile, { minWidthFraction: 0.001 }));
    expect(data.r.length / 5).toBe(layout.rects.length);
    expect(data.totalWeight).toBe(layout.totalWeight);
    expect(data.names.length).toBe(data.locs.length);
    expect(data.colors.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    // Decode as the page does and compare every rect's start, total and frame name.
    const start: number[] = [];
    for (let i = 0; i < data.r.length / 5; i++) {
      const [parent, frame, delta, total, self] = data.r.slice(5 * i, 5 * i + 5) as [number, number, number, number, number];
      const rect = layout.rects[i]!;
      start[i] = (parent >= 0 ? start[parent]! : 0) + delta;
      expect(parent).toBe(rect.parent);
      expect(start[i]).toBeCloseTo(rect.start, 3);
      expect(total).toBe(rect.total);
      expect(self).toBe(rect.self);
      expect(frame < 0 ? "all" : data.names[frame]).toBe(rect.frame < 0 ? "all" : profile.frames[rect.frame]!.name);
    }
  });

  it("shows the profile name, unit and sample count in the header, with hover, zoom and search controls", () => {
    const profile = generateProfile({ seed: 9, samples: 12_345, distinctStacks: 80 });
    const html = renderFlameGraphHtml(profile, { title: "checkout service" });
    expect(html).toContain("<h1>checkout service</h1>");
    expect(html).toContain("12,345 samples");
    expect(html).toContain("unit: microseconds");
    for (const id of ["fg-search", "fg-reset", "fg-crumbs", "fg-tip", "fg-canvas", "fg-match"]) expect(html).toContain(`id="${id}"`);
    const client = scriptsOf(html)[1]!.body;
    for (const hook of ['"mousemove"', '"click"', '"input"', "setZoom", "of total"]) expect(client).toContain(hook);
  });
});
