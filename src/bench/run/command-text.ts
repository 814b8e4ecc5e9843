/**
 * Turning the command text a user typed into what gets spawned: parameter scans
 * (`{threads}` → 1, 2, 4), and argv splitting for runs without a shell.
 */
import { PerfError } from "../../core/errors.js";

/** A scan over explicit values, e.g. { name: "threads", values: ["1", "2", "4"] }. */
export interface ParameterList {
  name: string;
  values: string[];
}

/** A numeric scan from start to end inclusive, e.g. { name: "n", start: 10, end: 50, step: 10 }. */
export interface ParameterRange {
  name: string;
  start: number;
  end: number;
  /** Default 1. */
  step?: number;
}

export type ParameterScan = ParameterList | ParameterRange;

/** A guard against typos like step 0.0001 over a range of 1000, which would never finish. */
const MAX_SCAN_VALUES = 10_000;

const PARAM_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Expands a list or a numeric range into the list of values, in order, as strings. */
export function expandParameterScan(scan: ParameterScan): ParameterList {
  if (!PARAM_NAME_RE.test(scan.name)) {
    throw new PerfError("USAGE", `parameter name "${scan.name}" is not a plain identifier`, {
      hint: "Use letters, digits, _ or -, e.g. { name: \"threads\", values: [\"1\", \"2\"] }, and write {threads} in the command.",
    });
  }
  if ("values" in scan) {
    if (scan.values.length === 0) throw new PerfError("USAGE", `parameter "${scan.name}" has no values`, { hint: "Give at least one value." });
    return { name: scan.name, values: [...scan.values] };
  }
  const step = scan.step ?? 1;
  for (const [key, value] of [["start", scan.start], ["end", scan.end], ["step", step]] as const) {
    if (!Number.isFinite(value)) throw new PerfError("USAGE", `parameter "${scan.name}": ${key} is not a finite number (${String(value)})`, { hint: "Give numbers, e.g. { start: 1, end: 8, step: 1 }." });
  }
  if (step <= 0) throw new PerfError("USAGE", `parameter "${scan.name}": step must be above 0, got ${step}`, { hint: "A range goes upwards from start to end; list the values to scan downwards." });
  if (scan.end < scan.start) throw new PerfError("USAGE", `parameter "${scan.name}": end ${scan.end} is below start ${scan.start}`, { hint: "Swap start and end, or list the values in the order you want." });
  const count = Math.floor((scan.end - scan.start) / step + 1e-9) + 1;
  if (count > MAX_SCAN_VALUES) throw new PerfError("USAGE", `parameter "${scan.name}" would take ${count} values (limit ${MAX_SCAN_VALUES})`, { hint: "Use a larger step." });
  // start + i*step, rounded to the inputs' decimals, so 0.1 steps print as 0.3 and not 0.30000000000000004.
  const decimals = Math.max(countDecimals(scan.start), countDecimals(step));
  const values: string[] = [];
  for (let i = 0; i < count; i++) values.push(formatNumber(scan.start + i * step, decimals));
  return { name: scan.name, values };
}

function countDecimals(value: number): number {
  const text = String(value);
  if (text.includes("e-")) return Number(text.split("e-")[1] ?? 0);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

function formatNumber(value: number, decimals: number): string {
  return decimals === 0 ? String(Math.round(value)) : String(Number(value.toFixed(decimals)));
}

/** Replaces every `{name}` of the given parameters; other braces (shell `${x}`, awk) stay as written. */
export function substituteParameters(text: string, params: Record<string, string>): string {
  let out = text;
  for (const [name, value] of Object.entries(params)) out = out.split(`{${name}}`).join(value);
  return out;
}

/**
 * Splits a command line into argv the way a POSIX shell would for plain words: blanks
 * separate, '…' is literal, "…" honours \" \\ \$ \`, a backslash outside quotes escapes the
 * next character. No expansion, globbing, pipes or redirections: that is what a shell is for.
 */
export function splitCommandLine(text: string): string[] {
  const args: string[] = [];
  let current = "";
  let inWord = false;
  let i = 0;
  const fail = (what: string): never => {
    throw new PerfError("USAGE", `cannot split command ${JSON.stringify(text)}: ${what}`, {
      hint: "Close the quote, or run the command through a shell (shell: \"sh\").",
    });
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n") {
      if (inWord) args.push(current);
      current = "";
      inWord = false;
      i++;
    } else if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) fail(`unterminated ' at character ${i + 1}`);
      current += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (ch === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) fail("unterminated \"");
        const c = text[i] as string;
        if (c === '"') break;
        const next = text[i + 1];
        if (c === "\\" && next !== undefined && '"\\$`'.includes(next)) {
          current += next;
          i += 2;
        } else {
          current += c;
          i++;
        }
      }
      i++;
    } else if (ch === "\\") {
      if (i + 1 >= text.length) fail("trailing backslash");
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      current += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) args.push(current);
  return args;
}
