/**
 * The files the child needs besides the workspace: the runner with the pure part of the
 * library, bundled once per server process into a private folder the child may only
 * read. Bundling keeps the child's read allowance to one file instead of dist/ and all of
 * node_modules, and works the same from src/ (tests) and dist/ (installed).
 */
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ChildAssets {
  /** Private folder holding the runner and per-run script folders. */
  dir: string;
  runner: string;
}

let assets: Promise<ChildAssets> | undefined;

function runnerEntry(): string {
  for (const ext of ["js", "ts"]) {
    const path = fileURLToPath(new URL(`./child-runner.${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`child-runner.{js,ts} not found next to ${fileURLToPath(import.meta.url)}`);
}

async function buildAssets(): Promise<ChildAssets> {
  const dir = await mkdtemp(join(tmpdir(), "perfscope-sandbox-"));
  const runner = join(dir, "runner.mjs");
  await build({
    entryPoints: [runnerEntry()],
    outfile: runner,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
    // Some bundled CommonJS packages call require() for Node built-ins.
    banner: { js: 'import { createRequire as __perfscopeRequire } from "node:module"; const require = __perfscopeRequire(import.meta.url);' },
  });
  return { dir, runner };
}

/** Builds the runner on first use; later runs reuse it. */
export function prepareChildAssets(): Promise<ChildAssets> {
  assets ??= buildAssets().catch((e: unknown) => {
    assets = undefined;
    throw e;
  });
  return assets;
}
