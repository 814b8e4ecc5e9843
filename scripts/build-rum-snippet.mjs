// Builds the browser RUM snippet (src/web/rum/client/) with esbuild into dist/web/rum/client/:
//   perfscope-rum.mjs      ESM, `web-vitals/attribution` left as an import (the site bundles it)
//   perfscope-rum.iife.js  script tag, web-vitals bundled in, starts from its data-* attributes
// Prints nothing on success; on failure prints what went wrong and exits 1.
// Usage: node scripts/build-rum-snippet.mjs [--outdir <folder>]   (tests build into a temp folder)
import { build } from "esbuild";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const clientDir = resolve(root, "src/web/rum/client");

function parseOutDir(argv) {
  const i = argv.indexOf("--outdir");
  if (i === -1) return resolve(root, "dist/web/rum/client");
  const value = argv[i + 1];
  if (!value) throw new Error("--outdir needs a folder");
  return resolve(value);
}

// web-vitals 5 itself is ES2022 (class fields, Array.prototype.at), so lowering syntax further
// would only grow the bundle without reaching older browsers. The snippet source is ES2020.
const common = { bundle: true, minify: true, target: "es2022", platform: "browser", legalComments: "none", logLevel: "silent", absWorkingDir: root };

async function main() {
  const outdir = parseOutDir(process.argv.slice(2));
  await build({
    ...common,
    entryPoints: [resolve(clientDir, "init-rum.js")],
    outfile: resolve(outdir, "perfscope-rum.mjs"),
    format: "esm",
    external: ["web-vitals", "web-vitals/*"],
  });
  await build({
    ...common,
    entryPoints: [resolve(clientDir, "auto-start.js")],
    outfile: resolve(outdir, "perfscope-rum.iife.js"),
    format: "iife",
  });
}

main().catch((error) => {
  // esbuild errors carry file:line:column in `errors`; show those rather than a stack.
  const details = Array.isArray(error?.errors) && error.errors.length > 0
    ? error.errors.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ""}${e.text}`).join("\n")
    : `  ${error?.message ?? error}`;
  process.stderr.write(`build-rum-snippet: building the RUM snippet failed\n${details}\n`);
  process.exit(1);
});
