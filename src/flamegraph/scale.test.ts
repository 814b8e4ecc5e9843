import { describe, expect, it } from "vitest";
import { renderFlameGraphHtml } from "./html.js";
import { layoutFlameGraph } from "./layout.js";
import { renderFlameGraphSvg } from "./svg.js";
import { generateProfile } from "./test-helpers/profiles.js";
import { parseXmlStrict } from "./test-helpers/xml-strict.js";

const FIVE_MB = 5 * 1024 * 1024;

// One million samples over thousands of distinct stacks, some 200–260 frames deep.
// Timing is measured by bench/flamegraph-render.mjs, never asserted here.
describe("a 1,000,000-sample profile", () => {
  const profile = generateProfile({ seed: 1, samples: 1_000_000, distinctStacks: 5000, deepShare: 0.03, hotShare: 0.1 });

  it("has the shape this test is about", () => {
    expect(profile.samples.stack.length).toBe(1_000_000);
    const layout = layoutFlameGraph(profile, { minWidthFraction: 0 });
    expect(layout.maxDepth).toBeGreaterThanOrEqual(200);
    expect(layout.rects.length).toBeGreaterThan(20_000);
  });

  it("renders to a well-formed SVG under 5 MB", () => {
    const svg = renderFlameGraphSvg(profile);
    expect(svg.length).toBeLessThan(FIVE_MB);
    expect(parseXmlStrict(svg).name).toBe("svg");
  });

  it("renders to an HTML page under 5 MB that embeds the tree, not the samples", () => {
    const html = renderFlameGraphHtml(profile);
    expect(Buffer.byteLength(html)).toBeLessThan(FIVE_MB);
    const json = /<script type="application\/json" id="fg-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const data = JSON.parse(json) as { r: number[] };
    expect(data.r.length / 5).toBeLessThanOrEqual(50_000);
  });
});
