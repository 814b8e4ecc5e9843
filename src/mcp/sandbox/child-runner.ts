/**
 * Runs inside the sandboxed child (bundled with the pure API into one .mjs file): sets up
 * the frozen `perf` global, whose brokered functions are stubs that ask the parent over
 * fd 3, then imports the transpiled script. Everything here is as untrusted as the script
 * once the script starts: the parent checks every message it receives.
 */
import { Socket } from "node:net";
import { pathToFileURL } from "node:url";
import * as pure from "./pure-api.js";
import type { ChildMessage, ParentMessage } from "./types.js";

const channel = new Socket({ fd: 3, readable: true, writable: true });
// The channel must not keep the process alive by itself: a script that is done is done.
channel.unref();

let nextId = 1;
let pendingCalls = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

function send(message: ChildMessage): void {
  channel.write(JSON.stringify(message) + "\n");
}

function callParent(fn: string, args: unknown[]): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (pendingCalls++ === 0) channel.ref();
    send({ t: "call", id, fn, args });
  });
}

function settle(message: ParentMessage): void {
  const call = pending.get(message.id);
  if (!call) return;
  pending.delete(message.id);
  if (--pendingCalls === 0) channel.unref();
  if (message.t === "result") call.resolve(message.value);
  else {
    const e = message.error;
    call.reject(new pure.PerfError(e.code as pure.PerfError["code"], e.message, e.hint === undefined ? {} : { hint: e.hint }));
  }
}

/** The parent's first line names the brokered functions and carries `args`; later lines answer calls. */
function readParentLines(onFirst: (first: { brokered: string[]; args: unknown }) => void): void {
  let buffer = "";
  let first = true;
  channel.setEncoding("utf8");
  channel.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const parsed = JSON.parse(line) as unknown;
      if (first) {
        first = false;
        onFirst(parsed as { brokered: string[]; args: unknown });
      } else settle(parsed as ParentMessage);
    }
  });
}

/** Freezes an object graph along own properties (not prototypes of built-ins). */
function freezeDeep(value: unknown, seen = new Set<unknown>()): void {
  if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d && "value" in d) freezeDeep(d.value, seen);
  }
  Object.freeze(value);
}

function buildLibrary(brokered: string[]): Record<string, unknown> {
  const lib: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(pure)) lib[name] = value;
  for (const name of brokered) {
    lib[name] = (...args: unknown[]): Promise<unknown> => callParent(name, args);
  }
  freezeDeep(lib);
  return lib;
}

function describeFailure(kind: "exception" | "rejection", error: unknown): ChildMessage {
  if (error instanceof Error) {
    const { code, permission, resource } = error as { code?: unknown; permission?: unknown; resource?: unknown };
    // The permission model names what it refused in these two fields, not in the message.
    const detail = typeof permission === "string" ? `${permission}${typeof resource === "string" ? ` ${resource}` : ""}` : undefined;
    return {
      t: "error",
      kind,
      name: error.name,
      message: error.message,
      ...(typeof code === "string" ? { code } : {}),
      ...(detail ? { detail } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { t: "error", kind, name: "NonError", message: `thrown value: ${String(error)}` };
}

function failAndExit(kind: "exception" | "rejection", error: unknown): void {
  send(describeFailure(kind, error));
  // Give the message a moment to leave, then end with the usual uncaught-error code.
  channel.end(() => process.exit(1));
  setTimeout(() => process.exit(1), 200).unref();
}

// Node queues writes to a full pipe in memory; a script printing without end would then
// hit its memory limit instead of the output cap. Blocking writes pace it to our reading.
for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle?.setBlocking?.(true);
}

process.on("uncaughtException", (e) => failAndExit("exception", e));
process.on("unhandledRejection", (e) => failAndExit("rejection", e));

const scriptPath = process.argv[2];
readParentLines(({ brokered, args }) => {
  const lib = buildLibrary(brokered);
  for (const name of ["perf", "performance_mcp"]) {
    Object.defineProperty(globalThis, name, { value: lib, writable: false, configurable: false, enumerable: false });
  }
  // A skill's arguments: plain JSON from the parent, frozen like the library.
  freezeDeep(args);
  Object.defineProperty(globalThis, "args", { value: args, writable: false, configurable: false, enumerable: false });
  send({ t: "ready" });
  if (scriptPath === undefined) throw new Error("child runner: no script path given");
  import(pathToFileURL(scriptPath).href).then(
    () => send({ t: "done" }),
    (e: unknown) => failAndExit("exception", e),
  );
});
channel.ref(); // until the parent's first line arrives
channel.once("data", () => {
  if (pendingCalls === 0) channel.unref();
});
