/**
 * `bench(name, fn, options?)`: what users call in their *.bench.ts files. It only records
 * the benchmark; the runner's harness imports the file in a fresh process and measures.
 *
 * The registry lives on globalThis under a Symbol.for key: a bench file may import
 * "perfscope" from another copy of the package (its own node_modules, an older version in
 * a git worktree), and every copy must register into the one registry the harness reads.
 */
import { PerfError } from "../core/errors.js";
import { formatSourceLocation, parseStackFrames, type SourceLocation } from "./run/stack-location.js";

/** The function measured; its return value is kept (so it cannot be optimised away). */
export type BenchFn = () => unknown;

export interface BenchOptions {
  /** Runs once per measuring process before warm-up; not timed. */
  setup?: () => unknown;
  /** Runs once per measuring process after the last sample; not timed. */
  teardown?: () => unknown;
}

export interface BenchDefinition {
  name: string;
  fn: BenchFn;
  options: BenchOptions;
  /** Where bench() was called, when the stack shows it. */
  definedAt?: SourceLocation;
}

interface BenchRegistry {
  definitions: BenchDefinition[];
}

// Versioned key: a future registry shape gets a new key instead of confusing an old harness.
const REGISTRY_KEY = Symbol.for("perfscope.bench.registry.v1");

function getRegistry(): BenchRegistry {
  const holder = globalThis as unknown as Record<symbol, BenchRegistry | undefined>;
  let registry = holder[REGISTRY_KEY];
  if (!registry) {
    registry = { definitions: [] };
    holder[REGISTRY_KEY] = registry;
  }
  return registry;
}

/** The caller of bench(): the first stack frame outside this module. */
function findCaller(): SourceLocation | undefined {
  const probe: { stack?: string } = {};
  Error.captureStackTrace(probe, bench);
  return parseStackFrames(probe.stack ?? "")[0];
}

/** Registers a benchmark. Outside the perfscope runner this only records it. */
export function bench(name: string, fn: BenchFn, options: BenchOptions = {}): void {
  const definedAt = findCaller();
  const where = definedAt ? { file: definedAt.file, ...(definedAt.line !== undefined ? { line: definedAt.line } : {}) } : {};
  if (typeof name !== "string" || name.trim() === "") {
    throw new PerfError("USAGE", "bench() needs a non-empty name as its first argument", { where, hint: 'Example: bench("parse config", () => parse(text))' });
  }
  if (typeof fn !== "function") {
    throw new PerfError("USAGE", `bench("${name}") needs a function as its second argument, got ${typeof fn}`, { where, hint: `Example: bench("${name}", () => work())` });
  }
  for (const hook of ["setup", "teardown"] as const) {
    const value: unknown = options[hook];
    if (value !== undefined && typeof value !== "function") {
      throw new PerfError("USAGE", `bench("${name}"): options.${hook} must be a function, got ${typeof value}`, { where });
    }
  }
  const registry = getRegistry();
  // Two files may reuse a name (they run separately); one file may not.
  const clash = registry.definitions.find((d) => d.name === name && d.definedAt?.file === definedAt?.file);
  if (clash) {
    const first = clash.definedAt ? formatSourceLocation(clash.definedAt) : "an earlier call";
    const second = definedAt ? formatSourceLocation(definedAt) : "a later call";
    throw new PerfError("USAGE", `benchmark "${name}" is defined twice: at ${first} and at ${second}`, {
      where,
      hint: "Give each bench() in a file its own name; results are keyed by name.",
    });
  }
  registry.definitions.push({ name, fn, options, ...(definedAt ? { definedAt } : {}) });
}

/** Every benchmark registered so far in this process, in definition order. */
export function listBenchDefinitions(): BenchDefinition[] {
  return [...getRegistry().definitions];
}

/** Forgets every registration (the harness starts each file from an empty registry). */
export function clearBenchDefinitions(): void {
  getRegistry().definitions.length = 0;
}
