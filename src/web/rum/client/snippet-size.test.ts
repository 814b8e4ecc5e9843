import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The budget: the snippet may add at most 3 KB (gzip) on top of web-vitals.
const BUDGET_BYTES = 3072;
const repo = resolve(import.meta.dirname, "../../../..");
const buildScript = join(repo, "scripts/build-rum-snippet.mjs");
const gzipSize = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

let outDir = "";
let buildStdout = "";

beforeAll(() => {
  // A fresh build of the current source into a temp folder, so the sizes are never stale.
  outDir = mkdtempSync(join(tmpdir(), "perfscope-rum-size-"));
  buildStdout = execFileSync(process.execPath, [buildScript, "--outdir", outDir], { cwd: repo, encoding: "utf8" });
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("RUM snippet build", () => {
  it("prints nothing on success", () => {
    expect(buildStdout).toBe("");
  });

  it("keeps the ESM build (web-vitals external) under 3 KB gzip, importing web-vitals/attribution", () => {
    const file = join(outDir, "perfscope-rum.mjs");
    const source = readFileSync(file, "utf8");
    expect(source).toMatch(/from\s*"web-vitals\/attribution"/);
    expect(source).not.toMatch(/largest-contentful-paint/); // web-vitals itself stayed out
    expect(gzipSize(file)).toBeLessThan(BUDGET_BYTES);
  });

  it("adds under 3 KB gzip to web-vitals' own attribution build in the script-tag build", () => {
    const file = join(outDir, "perfscope-rum.iife.js");
    const source = readFileSync(file, "utf8");
    expect(source).not.toMatch(/\bimport\s*[{(]|\bexport\s*\{/); // self-contained classic script
    expect(source).toMatch(/largest-contentful-paint/); // web-vitals bundled in
    const webVitals = gzipSize(join(repo, "node_modules/web-vitals/dist/web-vitals.attribution.iife.js"));
    expect(gzipSize(file) - webVitals).toBeLessThan(BUDGET_BYTES);
  });

  it("fails with a message and a non-zero exit when it cannot write its output", () => {
    const blocker = join(outDir, "not-a-folder");
    writeFileSync(blocker, "x");
    const run = spawnSync(process.execPath, [buildScript, "--outdir", join(blocker, "sub")], { cwd: repo, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/build-rum-snippet: building the RUM snippet failed/);
  });
});
