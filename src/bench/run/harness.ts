/**
 * The child process that imports one bench file and lists or measures one benchmark.
 * Started by run-process.ts with child_process.fork (compiled: dist/bench/run/harness.js)
 * under tsx, so bench files may be TypeScript. It talks only over the IPC channel.
 */
import Module, { register } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ErrorLocation } from "../../core/errors.js";
import { bench, clearBenchDefinitions, listBenchDefinitions, type BenchDefinition } from "../define.js";
import type { BenchError } from "../model.js";
import { measureFunction } from "./measure.js";
import { measureInterleaved, VersionCallError } from "./measure-interleaved.js";
import { isHarnessRequest, type HarnessReply, type InterleaveRequest, type RunRequest } from "./protocol.js";
import { findLineOfFile, formatSourceLocation } from "./stack-location.js";

// The define module beside this file, in the same form (.ts from the sources, .js when built).
const DEFINE_URL = new URL(`../define${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href;

/**
 * `import { bench } from "perfscope"` must reach our define module even when the bench
 * file's project has no perfscope installed (an old version checked out in a worktree).
 */
function mapPerfscopeSpecifier(): void {
  const hooks =
    `const target = ${JSON.stringify(DEFINE_URL)};\n` +
    `export async function resolve(specifier, context, next) {\n` +
    `  if (specifier === "perfscope") return { url: target, shortCircuit: true };\n` +
    `  return next(specifier, context);\n}\n`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  // tsx compiles .ts files of packages without "type": "module" to require(); ESM hooks miss those.
  const cjs = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = cjs._resolveFilename;
  const definePath = fileURLToPath(DEFINE_URL);
  cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === "perfscope" ? definePath : original.call(this, request, ...rest);
  };
}

let replied = false;

function send(message: HarnessReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function finish(message: HarnessReply): Promise<never> {
  if (!replied) {
    replied = true;
    await send(message);
  }
  process.exit(0);
}

function hintFor(error: unknown, file: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
    if (error instanceof Error && error.message.includes(`module '${file}'`)) return "The bench file itself does not exist: check the path.";
    return "A module the bench file imports is missing: install the project's dependencies (npm install) in the folder it runs from.";
  }
  const hint = (error as { hint?: unknown } | null)?.hint;
  if (typeof hint === "string") return hint;
  if (error instanceof SyntaxError || (error instanceof Error && /Transform failed/.test(error.message))) return "Fix the syntax error in the bench file.";
  return undefined;
}

/** A BenchError pointing at the bench file line the stack mentions, else at `fallback`. */
function describeFailure(error: unknown, file: string, prefix: string, fallbackLine?: number): BenchError {
  const err = error instanceof Error ? error : new Error(String(error));
  const given = (error as { where?: ErrorLocation } | null)?.where;
  const line = given?.file === file && given.line !== undefined ? given.line : (findLineOfFile(`${err.stack ?? ""}\n${err.message}`, file) ?? fallbackLine);
  const hint = hintFor(error, file);
  return {
    message: `${prefix}${err.message}`,
    ...(err.stack ? { stack: err.stack } : {}),
    where: formatSourceLocation(line === undefined ? { file } : { file, line }),
    ...(hint ? { hint } : {}),
  };
}

async function importBenchFile(file: string, index?: number): Promise<BenchDefinition[]> {
  clearBenchDefinitions();
  // Like vitest globals: a bench file may call bench() without importing it.
  const g = globalThis as { bench?: unknown };
  if (g.bench === undefined) g.bench = bench;
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    return finish({ type: "failed", ...(index !== undefined ? { index } : {}), error: describeFailure(error, file, `could not load the bench file: `) });
  }
  return listBenchDefinitions();
}

async function runOne(request: RunRequest): Promise<never> {
  const { file } = request;
  const definitions = await importBenchFile(file);
  const def = definitions.find((d) => d.name === request.name);
  if (!def) {
    const names = definitions.map((d) => `"${d.name}"`).join(", ");
    return finish({
      type: "failed",
      error: { message: `no benchmark named "${request.name}" in the bench file`, where: file, hint: names ? `It defines ${names}.` : "It defines no benchmarks." },
    });
  }
  const defLine = def.definedAt?.file === file ? def.definedAt.line : undefined;
  try {
    await def.options.setup?.();
  } catch (error) {
    return finish({ type: "failed", error: describeFailure(error, file, "setup failed: ", defLine) });
  }
  await send({ type: "ready" });
  let measured: HarnessReply;
  try {
    const m = await measureFunction(def.fn, request);
    measured = { type: "measured", batchSize: m.batchSize, samples: m.samples, async: m.async, sink: m.sink };
  } catch (error) {
    return finish({ type: "failed", error: describeFailure(error, file, "", defLine) });
  }
  try {
    await def.options.teardown?.();
  } catch (error) {
    return finish({ type: "failed", error: describeFailure(error, file, "teardown failed: ", defLine) });
  }
  // A rejection nobody awaited is only reported once the microtask queue drains: let it
  // surface (and fail the run through the handler in main) before reporting success.
  await new Promise((resolve) => setImmediate(resolve));
  return finish(measured);
}

/** Loads every version's bench file (each in its own folder) and measures them batch by batch in turn. */
async function runInterleave(request: InterleaveRequest): Promise<never> {
  const defs: BenchDefinition[] = [];
  for (let i = 0; i < request.files.length; i++) {
    const file = request.files[i]!;
    process.chdir(request.cwds[i]!);
    const def = (await importBenchFile(file, i)).find((d) => d.name === request.name);
    if (!def) return finish({ type: "failed", index: i, error: { message: `no benchmark named "${request.name}" in the bench file`, where: file } });
    try {
      await def.options.setup?.();
    } catch (error) {
      return finish({ type: "failed", index: i, error: describeFailure(error, file, "setup failed: ") });
    }
    defs.push(def);
  }
  await send({ type: "ready" });
  // A benchmark reading files relative to its folder finds its own version's files.
  const enter = (i: number): void => process.chdir(request.cwds[i]!);
  try {
    const m = await measureInterleaved(
      defs.map((d) => d.fn),
      enter,
      request,
    );
    for (let i = 0; i < defs.length; i++) {
      enter(i);
      await defs[i]!.options.teardown?.();
    }
    await new Promise((resolve) => setImmediate(resolve));
    return finish({ type: "measured-set", batchSize: m.batchSize, samples: m.samples, sinks: m.sinks });
  } catch (error) {
    const index = error instanceof VersionCallError ? error.index : undefined;
    const original = error instanceof VersionCallError ? error.original : error;
    const file = index !== undefined ? request.files[index]! : request.file;
    return finish({ type: "failed", ...(index !== undefined ? { index } : {}), error: describeFailure(original, file, "") });
  }
}

function main(): void {
  if (!process.send) {
    process.stderr.write("perfscope bench harness: start me with child_process.fork (I talk over IPC only)\n");
    process.exitCode = 2;
    return;
  }
  mapPerfscopeSpecifier();
  process.once("message", (request: unknown) => {
    if (!isHarnessRequest(request)) {
      void finish({ type: "failed", error: { message: "the harness received a malformed request" } });
      return;
    }
    const file = request.file;
    // Errors escaping the measured call (a timer that throws, an unawaited rejection) end the run.
    const fail = (error: unknown): void => void finish({ type: "failed", error: describeFailure(error, file, "uncaught: ") });
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    process.on("beforeExit", () => {
      // Nothing left to run but no answer yet: a promise the bench awaits can never settle.
      void finish({ type: "failed", error: { message: "a promise never settled: the process ran out of work while awaiting the bench file or benchmark", where: file } });
    });
    if (request.mode === "list") {
      void importBenchFile(file).then((defs) => finish({ type: "listed", names: defs.map((d) => d.name) }));
    } else if (request.mode === "interleave") {
      void runInterleave(request);
    } else {
      void runOne(request);
    }
  });
}

main();
