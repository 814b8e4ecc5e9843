// Development only: lets a worker thread started from the TypeScript sources (under vitest)
// load .ts modules. The built package starts the compiled worker.js and never loads this.
// Transpiled output is cached in the temp dir (keyed by path, size and mtime) because loading
// the `typescript` compiler costs about a second per worker.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cacheDir = join(tmpdir(), "perfscope-dev-ts-cache");

export async function resolve(specifier, context, nextResolve) {
  // NodeNext sources import "./x.js"; in src only x.ts exists.
  if (specifier.endsWith(".js") && /^(\.|\/|file:)/.test(specifier) && context.parentURL?.endsWith(".ts")) {
    const tsUrl = new URL(specifier.slice(0, -3) + ".ts", context.parentURL);
    if (!existsSync(fileURLToPath(new URL(specifier, context.parentURL))) && existsSync(fileURLToPath(tsUrl))) {
      return { url: tsUrl.href, shortCircuit: true, format: "module" };
    }
  }
  return nextResolve(specifier, context);
}

async function transpile(file) {
  const st = statSync(file);
  const key = createHash("sha1").update(`${file}:${st.size}:${st.mtimeMs}`).digest("hex");
  const cached = join(cacheDir, `${key}.js`);
  if (existsSync(cached)) return readFileSync(cached, "utf8");
  const { default: ts } = await import("typescript");
  const out = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  }).outputText;
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, out);
  renameSync(temp, cached); // atomic: a worker reading concurrently never sees half a file
  return out;
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".ts")) return nextLoad(url, context);
  return { format: "module", source: await transpile(fileURLToPath(url)), shortCircuit: true };
}
