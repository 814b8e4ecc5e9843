import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isPerfError } from "../../core/errors.js";
import { discoverBenchFiles } from "./discover.js";

const root = mkdtempSync(join(tmpdir(), "perfscope-discover-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(rel: string): string {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "");
  return path;
}

const wanted = [touch("z.bench.ts"), touch("a/b/deep.bench.mts"), touch("a/plain.bench.js"), touch("m.bench.mjs")];
for (const skipped of ["node_modules/pkg/x.bench.ts", ".git/y.bench.ts", "dist/z.bench.js", ".perfscope/w.bench.ts", "a/helper.ts", "a/x.bench.cts", "a/x.test.ts"]) {
  touch(skipped);
}

describe("discoverBenchFiles", () => {
  it("finds *.bench.{ts,mts,js,mjs} recursively, skipping dependency, VCS and output folders, sorted", async () => {
    expect(await discoverBenchFiles(root, "/")).toEqual([...wanted].sort());
  });

  it("resolves relative paths against cwd, takes named files as they are, and de-duplicates", async () => {
    const files = await discoverBenchFiles(["a", "a/helper.ts", "a/plain.bench.js"], root);
    expect(files).toEqual([join(root, "a/b/deep.bench.mts"), join(root, "a/helper.ts"), join(root, "a/plain.bench.js")]);
  });

  it("says which path does not exist", async () => {
    const error = await discoverBenchFiles(["a", "nope/x.bench.ts"], root).catch((e: unknown) => e);
    expect(isPerfError(error) && error.code).toBe("TARGET_NOT_FOUND");
    if (isPerfError(error)) {
      expect(error.where?.file).toBe(join(root, "nope/x.bench.ts"));
      expect(error.hint).toBeTruthy();
    }
  });
});
