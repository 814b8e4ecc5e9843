import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "./builder.js";
import { dropSamplesThrough } from "./filter-samples.js";

describe("dropSamplesThrough", () => {
  it("removes samples under an excluded frame and keeps the rest in order", () => {
    const b = new ProfileBuilder("microseconds");
    b.addStack([{ name: "main" }, { name: "work" }], 10, 0);
    b.addStack([{ name: "preload", file: "/x/inspect-preload.cjs" }, { name: "waitForDebugger" }], 5, 10);
    b.addStack([{ name: "main" }, { name: "preload", file: "/x/inspect-preload.cjs" }], 1, 15);
    b.addStack([], 2, 16);
    b.addStack([{ name: "main" }], 3, 18);
    const p = dropSamplesThrough(b.build(), (f) => f.file?.endsWith("inspect-preload.cjs") ?? false);
    expect(p.samples.weight).toEqual([10, 2, 3]);
    expect(p.samples.time).toEqual([0, 16, 18]);
  });
});
