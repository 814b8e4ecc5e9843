/**
 * JavaScript evaluated inside the target Node process (Runtime.evaluate on its main context,
 * without the command-line API), and the validation of what comes back. `require` is not a
 * global in the main context of a CommonJS program and does not exist in ESM, and dynamic
 * import() fails inside Runtime.evaluate; process.getBuiltinModule (Node ≥ 20.16) is the way
 * in, with a global `require` (REPL, -e) as the fallback. Everything is guarded: an exception
 * thrown in the target must never escape into it.
 */
import { PerfError } from "../../core/errors.js";
import type { GcActivity, V8HeapSpace, V8Memory } from "../model.js";

const GC_KEY = `Symbol.for("perfscope.gcObserver")`;

const LOAD_BUILTIN = `(name) => {
  try {
    if (typeof process.getBuiltinModule === "function") return process.getBuiltinModule(name) ?? null;
    if (typeof require === "function") return require(name);
  } catch {}
  return null;
}`;

/**
 * Installs, once per process, a PerformanceObserver for 'gc' entries that accumulates counts
 * and pause time per kind, and the end time of the last major GC with the heap used just
 * after it (observer callbacks run within a millisecond or so of the GC). Idempotent: a second
 * session finds the state already there. Answers { since } or { error }.
 */
export const INSTALL_GC_OBSERVER = `(() => {
  const key = ${GC_KEY};
  const existing = globalThis[key];
  if (existing) return { since: existing.since, installed: false };
  const load = ${LOAD_BUILTIN};
  const hooks = load("perf_hooks");
  const PO = typeof PerformanceObserver === "function" ? PerformanceObserver : hooks && hooks.PerformanceObserver;
  if (typeof PO !== "function") return { error: "this Node version has no PerformanceObserver" };
  const v8 = load("v8");
  const c = (hooks && hooks.constants) || {};
  const kinds = new Map([
    [c.NODE_PERFORMANCE_GC_MINOR ?? 1, "minor"],
    [c.NODE_PERFORMANCE_GC_MAJOR ?? 4, "major"],
    [c.NODE_PERFORMANCE_GC_INCREMENTAL ?? 8, "incremental"],
    [c.NODE_PERFORMANCE_GC_WEAKCB ?? 16, "weakcb"],
  ]);
  const origin = performance.timeOrigin;
  const state = { since: Date.now(), count: 0, pauseMs: 0, byKind: {}, lastMajorAt: null, lastMajorHeapUsed: null, observer: null };
  state.observer = new PO((list) => {
    try {
      let major = false;
      for (const entry of list.getEntries()) {
        const code = entry.detail ? entry.detail.kind : entry.kind;
        const kind = kinds.get(code) ?? ("kind-" + code);
        const slot = state.byKind[kind] ?? (state.byKind[kind] = { count: 0, pauseMs: 0 });
        slot.count++;
        slot.pauseMs += entry.duration;
        state.count++;
        state.pauseMs += entry.duration;
        if (kind === "major") {
          major = true;
          state.lastMajorAt = origin + entry.startTime + entry.duration;
        }
      }
      if (major) state.lastMajorHeapUsed = v8 ? v8.getHeapStatistics().used_heap_size : process.memoryUsage().heapUsed;
    } catch {}
  });
  state.observer.observe({ entryTypes: ["gc"] });
  Object.defineProperty(globalThis, key, { value: state, enumerable: false, configurable: true });
  return { since: state.since, installed: true };
})()`;

/** One sample: process.memoryUsage(), V8's heap statistics and spaces, and the GC state. */
export const READ_MEMORY = `(() => {
  const load = ${LOAD_BUILTIN};
  const v8 = load("v8");
  const m = process.memoryUsage();
  const out = { pid: process.pid, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers ?? 0, heapLimit: null, spaces: null, gc: null };
  try {
    if (v8) {
      out.heapLimit = v8.getHeapStatistics().heap_size_limit;
      out.spaces = v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size, available: s.space_available_size, physical: s.physical_space_size }));
    }
  } catch {}
  const gc = globalThis[${GC_KEY}];
  if (gc) out.gc = { since: gc.since, count: gc.count, pauseMs: gc.pauseMs, byKind: gc.byKind, lastMajorAt: gc.lastMajorAt, lastMajorHeapUsed: gc.lastMajorHeapUsed };
  return out;
})()`;

/** What READ_MEMORY returns, validated: the inspector is a JSON edge. */
export interface V8Reading {
  pid: number;
  v8: V8Memory;
  gc: GcActivity | null;
  /** Set when the target could not give heap spaces and limit (no v8 module reachable). */
  spacesMissing: boolean;
}

function num(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new PerfError("INTERNAL", `the target's memory reading has no valid ${what} (got ${JSON.stringify(value)})`, {
    hint: "the target's process.memoryUsage() or v8 module may be patched; report this with its Node version",
  });
}

function numOrNull(value: unknown, what: string): number | null {
  return value === null || value === undefined ? null : num(value, what);
}

function parseSpaces(value: unknown): V8HeapSpace[] {
  if (!Array.isArray(value)) return [];
  return value.map((s: Record<string, unknown>) => ({
    name: String(s.name),
    size: num(s.size, "space size"),
    used: num(s.used, "space used"),
    available: num(s.available, "space available"),
    physical: num(s.physical, "space physical"),
  }));
}

function parseGc(value: unknown): GcActivity | null {
  if (!value || typeof value !== "object") return null;
  const g = value as Record<string, unknown>;
  const byKind: GcActivity["byKind"] = {};
  for (const [kind, slot] of Object.entries((g.byKind ?? {}) as Record<string, Record<string, unknown>>)) {
    byKind[kind] = { count: num(slot.count, "gc count"), pauseMs: num(slot.pauseMs, "gc pause") };
  }
  return {
    count: num(g.count, "gc count"),
    pauseMs: num(g.pauseMs, "gc pause"),
    byKind,
    lastMajorAt: numOrNull(g.lastMajorAt, "last major gc time"),
    lastMajorHeapUsed: numOrNull(g.lastMajorHeapUsed, "heap after the last major gc"),
    since: num(g.since, "gc observer start"),
  };
}

export function parseV8Reading(value: unknown): V8Reading {
  if (!value || typeof value !== "object") {
    throw new PerfError("INTERNAL", `the target answered the memory reading with ${JSON.stringify(value)}`, { hint: "report this with the target's Node version" });
  }
  const r = value as Record<string, unknown>;
  const spaces = parseSpaces(r.spaces);
  return {
    pid: num(r.pid, "pid"),
    v8: {
      heapUsed: num(r.heapUsed, "heapUsed"),
      heapTotal: num(r.heapTotal, "heapTotal"),
      external: num(r.external, "external"),
      arrayBuffers: num(r.arrayBuffers, "arrayBuffers"),
      heapLimit: numOrNull(r.heapLimit, "heap limit") ?? 0,
      spaces,
    },
    gc: parseGc(r.gc),
    spacesMissing: r.spaces === null,
  };
}
