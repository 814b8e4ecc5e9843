import { describe, expect, it } from "vitest";
import { ProfileBuilder } from "../profile/builder.js";
import { analyzeProfile } from "../profile/analyze/analyze-profile.js";
import { renderProfileMarkdown, renderProfileSummary, renderProfileTerminal } from "./profile-report.js";

function analysis() {
  const b = new ProfileBuilder("microseconds", { name: "x", target: "node app.js" });
  for (let i = 0; i < 90; i++) b.addStack([{ name: "main" }, { name: "slowSort", file: "/app.js", line: 12, column: 3 }], 1000, i * 1000);
  for (let i = 0; i < 10; i++) b.addStack([{ name: "main" }, { name: "a|b`c" }], 1000, (90 + i) * 1000);
  return analyzeProfile(b.build());
}

describe("profile reporters", () => {
  it("terminal report names the top bottleneck first with its location and the files", () => {
    const text = renderProfileTerminal(analysis(), { files: { flamegraph: "/tmp/fg.svg" } });
    const lines = text.split("\n");
    const first = lines.findIndex((l) => /^\s+1\. /.test(l));
    expect(lines[first]).toContain("slowSort");
    expect(lines[first]).toContain("/app.js:12:3");
    expect(lines[first]).toContain("90.0%");
    expect(text).toContain("/tmp/fg.svg");
    expect(text.includes("\u001b")).toBe(false);
  });

  it("shows files under the working folder relative to it", () => {
    const text = renderProfileTerminal(analysis(), { relativeTo: "/" });
    expect(text).toContain(" app.js:12:3");
    expect(renderProfileTerminal(analysis(), { relativeTo: "/elsewhere" })).toContain("/app.js:12:3");
  });

  it("markdown escapes table-breaking names", () => {
    const md = renderProfileMarkdown(analysis());
    const row = md.split("\n").find((l) => l.includes("a|b") || l.includes("a\\|b"));
    expect(row).toBeDefined();
    // The pipe inside the name must not add a column.
    expect(row!.split(/(?<!\\)\|/).length).toBe(8);
  });

  it("summary stays short", () => {
    expect(renderProfileSummary(analysis()).length).toBeLessThan(2048);
  });
});
