import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFilesMatching, matchGlob, measureBundleSize } from "./file-glob.js";

describe("matchGlob", () => {
  it("* stays within a segment, ** spans any number of segments", () => {
    expect(matchGlob("dist/*.js", "dist/app.js")).toBe(true);
    expect(matchGlob("dist/*.js", "dist/chunks/a.js")).toBe(false);
    expect(matchGlob("dist/**/*.js", "dist/app.js")).toBe(true);
    expect(matchGlob("dist/**/*.js", "dist/chunks/deep/a.js")).toBe(true);
    expect(matchGlob("dist/**/*.js", "dist/app.js.map")).toBe(false);
    expect(matchGlob("dist/**/*.js", "src/dist/app.js")).toBe(false);
    expect(matchGlob("**/*.css", "a/b/c.css")).toBe(true);
    expect(matchGlob("**/*.css", "c.css")).toBe(true);
    expect(matchGlob("dist/**", "dist/a/b")).toBe(true);
    expect(matchGlob("a/**/b", "a/b")).toBe(true);
    expect(matchGlob("a/**/b", "a/x/y/b")).toBe(true);
  });

  it("? is one character, and regex characters are literal", () => {
    expect(matchGlob("chunk-?.js", "chunk-1.js")).toBe(true);
    expect(matchGlob("chunk-?.js", "chunk-12.js")).toBe(false);
    expect(matchGlob("a+b(1).js", "a+b(1).js")).toBe(true);
    expect(matchGlob("a.js", "axjs")).toBe(false);
    expect(matchGlob("*.js", "dir\\a.js")).toBe(false);
  });

  it("without segments, * also crosses slashes (benchmark names)", () => {
    expect(matchGlob("json*", "json/parse large", { segments: false })).toBe(true);
    expect(matchGlob("json*", "json/parse large")).toBe(false);
  });
});

describe("findFilesMatching", () => {
  const root = mkdtempSync(join(tmpdir(), "perfscope-glob-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const files = ["dist/app.js", "dist/app.js.map", "dist/chunks/a.js", "dist/chunks/b.css", "dist/node_modules/dep.js", "src/x.js"];
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "x");
  }

  it("walks from the literal prefix, skipping node_modules", () => {
    expect(findFilesMatching(root, "dist/**/*.js")).toEqual(["dist/app.js", "dist/chunks/a.js"]);
    expect(findFilesMatching(root, "./dist/*.js")).toEqual(["dist/app.js"]);
    expect(findFilesMatching(root, "**/*.css")).toEqual(["dist/chunks/b.css"]);
  });

  it("a literal path matches only an existing file; a missing folder matches nothing", () => {
    expect(findFilesMatching(root, "src/x.js")).toEqual(["src/x.js"]);
    expect(findFilesMatching(root, "src/missing.js")).toEqual([]);
    expect(findFilesMatching(root, "build/**/*.js")).toEqual([]);
  });
});

const bundleRoot = mkdtempSync(join(tmpdir(), "perfscope-bundle-"));
afterAll(() => rmSync(bundleRoot, { recursive: true, force: true }));


// Repetitive source compresses well; random bytes barely at all.
const app = Buffer.from("export function add(a, b) { return a + b; }\n".repeat(400));
const vendor = Buffer.from("const table = [1, 2, 3, 4, 5, 6, 7, 8];\n".repeat(300));
const noise = randomBytes(4096);
mkdirSync(join(bundleRoot, "dist", "chunks"), { recursive: true });
writeFileSync(join(bundleRoot, "dist", "app.js"), app);
writeFileSync(join(bundleRoot, "dist", "chunks", "vendor.js"), vendor);
writeFileSync(join(bundleRoot, "dist", "chunks", "noise.bin"), noise);
writeFileSync(join(bundleRoot, "dist", "app.js.map"), "{}");

describe("measureBundleSize", () => {
  it("sums the bytes of the matching files", () => {
    const size = measureBundleSize(bundleRoot, "dist/**/*.js");
    expect(size.files.map((f) => f.path)).toEqual(["dist/app.js", "dist/chunks/vendor.js"]);
    expect(size.totalBytes).toBe(app.length + vendor.length);
    expect(size.totalGzipBytes).toBeUndefined();
  });

  it("measures gzip sizes file by file, far smaller than raw for source code", () => {
    const size = measureBundleSize(bundleRoot, "dist/**/*.js", { gzip: true });
    expect(size.totalBytes).toBe(app.length + vendor.length);
    expect(size.totalGzipBytes).toBeGreaterThan(0);
    expect(size.totalGzipBytes!).toBeLessThan(size.totalBytes / 10);
    expect(size.totalGzipBytes).toBe(size.files.reduce((s, f) => s + f.gzipBytes!, 0));
  });

  it("random data does not shrink, and no match is an empty result", () => {
    const size = measureBundleSize(bundleRoot, "dist/**/*.bin", { gzip: true });
    expect(size.totalBytes).toBe(4096);
    expect(size.totalGzipBytes!).toBeGreaterThan(4000);
    expect(measureBundleSize(bundleRoot, "build/*.js")).toEqual({ pattern: "build/*.js", files: [], totalBytes: 0 });
  });
});
