import type { FrameInput } from "../builder.js";
import type { FrameKind } from "../model.js";

/**
 * Parsing of one `perf script` call-chain entry, after the instruction address:
 * `symbol[+0xoff] (dso)`. The symbol may hold spaces and parentheses (demangled C++, V8's
 * perf-map names such as `JS:*hot /tmp/spin.js:1:13`), so the DSO is the LAST parenthesised
 * group and the offset is the last `+0x<hex>` of the symbol.
 */

/** V8 perf-map prefixes (`--perf-basic-prof`, `--perf-prof`); newer V8 writes `JS:`, older the code kind. */
const JS_PREFIXES = ["JS:", "LazyCompile:", "Function:", "Script:", "Eval:", "InterpretedFunction:"];
/** V8 code that is not user JavaScript: builtins, stubs, bytecode handlers, regexps. */
const V8_NATIVE_PREFIXES = ["Builtin:", "BytecodeHandler:", "Stub:", "RegExp:", "Handler:", "KeyedLoadIC:", "KeyedStoreIC:", "LoadIC:", "StoreIC:"];
/** Tier markers V8 puts before a JS function name: `*` optimised, `~` interpreted, `^` baseline, `+` Maglev. */
const TIER_MARKERS = "*~^+";

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Removes a trailing `+0x1a2b` offset; returns the symbol unchanged when there is none. */
export function stripSymbolOffset(symbol: string): string {
  const at = symbol.lastIndexOf("+0x");
  if (at <= 0) return symbol;
  for (let i = at + 3; i < symbol.length; i++) if (!isHexCode(symbol.charCodeAt(i))) return symbol;
  return at + 3 < symbol.length ? symbol.slice(0, at) : symbol;
}

function classifyDso(dso: string | undefined): FrameKind {
  if (dso === undefined || dso === "[unknown]") return "other";
  if (dso.startsWith("[kernel") || dso.endsWith(".ko") || dso === "[bpf_prog]") return "kernel";
  // JIT maps written by V8 (--perf-basic-prof) and other JITs: code with no file behind it.
  if (/\/perf-\d+\.map$/.test(dso) || dso.startsWith("[jit")) return "js";
  return "native";
}

/**
 * Splits `name file:line:col` (V8's perf-map text after the prefix and tier marker) into its
 * parts. The location is the last space-separated token ending in `:line` or `:line:col`, so
 * file URLs (`file:///a.mjs:3:9`) and names with spaces (`get value`) both work.
 */
function parseJsName(rest: string): FrameInput {
  const space = rest.lastIndexOf(" ");
  const loc = space >= 0 ? rest.slice(space + 1) : rest;
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(loc);
  if (!m || m[1] === undefined || m[1] === "") {
    return { name: rest.trim() || "(anonymous)", kind: "js" };
  }
  const name = space >= 0 ? rest.slice(0, space).trim() : "";
  const frame: FrameInput = { name: name || "(anonymous)", file: m[1], line: Number(m[2]), kind: "js" };
  if (m[3] !== undefined) frame.column = Number(m[3]);
  return frame;
}

/** The frame for a symbol and DSO as `perf script` prints them (offset already present or not). */
export function parsePerfSymbol(rawSymbol: string, dso: string | undefined): FrameInput {
  const symbol = stripSymbolOffset(rawSymbol.trim());
  for (const prefix of JS_PREFIXES) {
    if (symbol.startsWith(prefix)) {
      let rest = symbol.slice(prefix.length);
      if (rest.length > 0 && TIER_MARKERS.includes(rest[0]!)) rest = rest.slice(1);
      return parseJsName(rest);
    }
  }
  for (const prefix of V8_NATIVE_PREFIXES) {
    if (symbol.startsWith(prefix)) return { name: symbol, ...(dso ? { file: dso } : {}), kind: "native" };
  }
  const name = symbol === "" ? "[unknown]" : symbol;
  const frame: FrameInput = { name, kind: classifyDso(dso) };
  if (dso !== undefined && dso !== "") frame.file = dso;
  // Node's own builtins and GC show up by name even inside the node binary.
  if (name === "(garbage collector)") frame.kind = "gc";
  else if (name === "(idle)") frame.kind = "idle";
  else if (name === "(program)") frame.kind = "program";
  return frame;
}

/**
 * Parses the text of a call-chain line after the address: `sym+0x5c ([kernel.kallsyms])`,
 * `[unknown] ([unknown])`, or a bare symbol when perf was told not to print DSOs.
 */
export function parsePerfFrameText(text: string): FrameInput {
  const t = text.trimEnd();
  if (t.endsWith(")")) {
    const open = t.lastIndexOf(" (");
    if (open >= 0) return parsePerfSymbol(t.slice(0, open), t.slice(open + 2, t.length - 1));
    if (t.startsWith("(")) return parsePerfSymbol("", t.slice(1, t.length - 1));
  }
  return parsePerfSymbol(t, undefined);
}

/** Perf's spelling of a frame for export: the inverse of parsePerfFrameText for our frames. */
export function formatPerfFrameText(frame: FrameInput): string {
  if (frame.kind === "js" && frame.name !== "[unknown]") {
    let loc = "";
    if (frame.file !== undefined) {
      loc = ` ${frame.file}`;
      if (frame.line !== undefined) loc += `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}`;
    }
    return `JS:${frame.name}${loc} ([jit])`;
  }
  if (frame.kind === "kernel") return `${frame.name} (${frame.file ?? "[kernel.kallsyms]"})`;
  return `${frame.name} (${frame.file ?? "[unknown]"})`;
}
