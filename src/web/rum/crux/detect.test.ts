import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PerfError } from "../../../core/errors.js";
import { detectAndImportCrux, importCruxFile, KNOWN_CRUX_FORMATS } from "./detect.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "perfscope-crux-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<PerfError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PerfError) return e;
    throw e;
  }
  throw new Error("expected a PerfError");
}

describe("importCruxFile", () => {
  it.each([
    ["crux-api-origin-phone.json", "crux-api"],
    ["crux-api-url-desktop-fid.json", "crux-api"],
    ["crux-history-origin-phone.json", "crux-history-api"],
    ["bigquery-all-202406-phone.json", "bigquery"],
    ["bigquery-device-summary.ndjson", "bigquery"],
    ["bigquery-metrics-summary-rest.json", "bigquery"],
  ])("picks the right importer for %s", async (name, source) => {
    const data = await importCruxFile(fixture(name));
    expect(data.source).toBe(source);
    expect(data.file).toBe(fixture(name));
    expect(data.records.length).toBeGreaterThan(0);
  });

  it("refuses a Chrome .cpuprofile, listing the known formats", async () => {
    const e = await rejection(importCruxFile(fixture("not-crux.cpuprofile")));
    expect(e.code).toBe("UNKNOWN_FORMAT");
    expect(e.where).toEqual({ file: fixture("not-crux.cpuprofile") });
    for (const f of KNOWN_CRUX_FORMATS) expect(e.message).toContain(f);
  });

  it("gives the byte offset of a truncated API answer", async () => {
    const full = readFileSync(fixture("crux-api-origin-phone.json"), "utf8");
    const cut = full.slice(0, 700);
    const file = join(dir, "truncated.json");
    writeFileSync(file, cut);
    const e = await rejection(importCruxFile(file));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.where).toEqual({ file, line: cut.split("\n").length, byte: 700 });
    expect(e.message).toContain("byte 700");
    expect(e.hint).toContain("truncated");
  });

  it("passes a content error through with the file name", async () => {
    const json = JSON.parse(readFileSync(fixture("crux-api-origin-phone.json"), "utf8")) as { record: { metrics: { interaction_to_next_paint: { percentiles: Record<string, unknown> } } } };
    json.record.metrics.interaction_to_next_paint.percentiles.p75 = null;
    const file = join(dir, "null-p75.json");
    writeFileSync(file, JSON.stringify(json));
    const e = await rejection(importCruxFile(file));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.where).toEqual({ file });
    expect(e.message).toContain("record.metrics.interaction_to_next_paint.percentiles.p75: expected a number, got null");
  });

  it("says when the file is missing, empty or not JSON", async () => {
    expect((await rejection(importCruxFile(join(dir, "nope.json")))).code).toBe("TARGET_NOT_FOUND");
    expect(() => detectAndImportCrux("", "empty.json")).toThrow(/empty/);
    expect(() => detectAndImportCrux("main;foo 12\n", "stacks.txt")).toThrow(/not JSON/);
  });

  it("reads bytes with a UTF-8 byte-order mark", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(fixture("crux-api-origin-phone.json"))]);
    expect(detectAndImportCrux(bytes, "bom.json").source).toBe("crux-api");
  });
});
