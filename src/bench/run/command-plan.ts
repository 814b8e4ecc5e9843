/**
 * Options of a command benchmark, checked and expanded into one target per command ×
 * parameter value before anything is spawned: a typo fails in milliseconds, not after the
 * first command's three seconds of runs.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { PerfError } from "../../core/errors.js";
import { parseDuration } from "../../core/units.js";
import { isNonEmpty, type NonEmptyArray } from "../model.js";
import { expandParameterScan, splitCommandLine, substituteParameters, type ParameterScan } from "./command-text.js";

export type CommandBenchProgress =
  | { phase: "shell-overhead"; shell: string; medianNs: number }
  | { phase: "setup" | "cleanup"; name: string; params?: Record<string, string> }
  | { phase: "warmup" | "run"; name: string; params?: Record<string, string>; run: number; total: number | undefined; ns: number }
  | { phase: "done"; name: string; params?: Record<string, string>; state: "completed" | "errored" };

export interface CommandBenchOptions {
  commands: string[];
  /** Display names, one per command; `{param}` is substituted like in the commands. */
  names?: string[];
  /** Untimed runs per command before timing (default 3). */
  warmup?: number;
  /** Exact number of timed runs; overrides minRuns/maxRuns/minTimeMs. */
  runs?: number;
  /** Default 10. */
  minRuns?: number;
  /** Default: no limit. */
  maxRuns?: number;
  /** Keep running until both minRuns and this much run time are reached (default 3000). "2s", "500ms" also work. */
  minTimeMs?: number | string;
  /** Before every run, warmup included (not timed). */
  prepare?: string;
  /** Once before a command's runs. */
  setup?: string;
  /** Once after all runs of a command. */
  cleanup?: string;
  parameterScan?: ParameterScan;
  /** Default "sh": run as `sh -c command` and subtract the shell's spawn time; false = split into argv and spawn directly. */
  shell?: string | false;
  /** Record runs that exit non-zero instead of failing the command. */
  ignoreFailure?: boolean;
  /** Round-robin the runs across commands (A B C A B C …). Default: true when there are 2+ commands. */
  interleave?: boolean;
  /** Let commands write to this process's stdout/stderr (default: discarded). */
  showOutput?: boolean;
  cwd?: string;
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string | undefined>;
  suite?: string;
  label?: string;
  onProgress?: (event: CommandBenchProgress) => void;
  signal?: AbortSignal;
}

export interface CommandTarget {
  name: string;
  /** The command line after parameter substitution. */
  command: string;
  params: Record<string, string> | undefined;
  argv: NonEmptyArray<string>;
  hooks: { setup?: NonEmptyArray<string>; prepare?: NonEmptyArray<string>; cleanup?: NonEmptyArray<string> };
  hookText: { setup?: string; prepare?: string; cleanup?: string };
}

export interface CommandPlan {
  targets: NonEmptyArray<CommandTarget>;
  warmup: number;
  /** Exact count, or the adaptive rule: at least minRuns and minTimeNs, at most maxRuns. */
  runs: { exact: number } | { minRuns: number; maxRuns: number; minTimeNs: number };
  shell: string | false;
  interleave: boolean;
  cwd: string;
}

function usage(message: string, hint: string): PerfError {
  return new PerfError("USAGE", message, { hint });
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw usage(`${name} must be a whole number ≥ ${min}, got ${String(value)}`, `Pass e.g. ${name}: ${Math.max(min, 3)}.`);
  }
}

function toMinTimeNs(value: number | string | undefined): number {
  if (value === undefined) return 3000 * 1e6;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw usage(`minTimeMs must be ≥ 0, got ${value}`, "Pass milliseconds, e.g. minTimeMs: 3000.");
    return value * 1e6;
  }
  // A bare "3" would read as seconds in parseDuration: in a field named ...Ms that is a trap, so ask for a unit.
  const parsed = /[a-zµ]\s*$/i.test(value.trim()) ? parseDuration(value) : null;
  if (parsed === null) throw usage(`minTimeMs "${value}" is not a duration with a unit`, 'Write "500ms", "3s" or a number of milliseconds.');
  return parsed * 1e6;
}

/** Splits hook or command text into what gets spawned: `[shell, "-c", text]` or argv. */
export function toArgv(text: string, shell: string | false): NonEmptyArray<string> {
  if (shell !== false) return [shell, "-c", text];
  const argv = splitCommandLine(text);
  if (!isNonEmpty(argv)) throw usage(`empty command ${JSON.stringify(text)}`, "Give the program to run, e.g. \"node -e 0\".");
  return argv;
}

export function planCommandBenchmarks(options: CommandBenchOptions): CommandPlan {
  const { commands, names } = options;
  if (!isNonEmpty(commands)) throw usage("no commands given", 'Pass commands: ["sleep 0.1", "node -e 0"].');
  if (commands.some((c) => c.trim() === "")) throw usage("one of the commands is empty", "Remove the empty command or fill it in.");
  if (names && names.length !== commands.length) {
    throw usage(`${names.length} names for ${commands.length} commands`, "Give one name per command, in the same order, or no names.");
  }
  checkCount("warmup", options.warmup, 0);
  checkCount("runs", options.runs, 1);
  checkCount("minRuns", options.minRuns, 1);
  checkCount("maxRuns", options.maxRuns, 1);
  const minRuns = options.minRuns ?? 10;
  const maxRuns = options.maxRuns ?? Number.POSITIVE_INFINITY;
  if (options.runs === undefined && maxRuns < minRuns) throw usage(`maxRuns ${maxRuns} is below minRuns ${minRuns}`, "Raise maxRuns or lower minRuns.");
  const shell = options.shell ?? "sh";
  if (shell === "") throw usage("shell is an empty string", 'Pass shell: "sh", another shell, or false for no shell.');
  const cwd = resolve(options.cwd ?? process.cwd());
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new PerfError("USAGE", `working directory ${cwd} does not exist`, { where: { file: cwd }, hint: "Pass an existing directory as cwd." });
  }
  const scan = options.parameterScan ? expandParameterScan(options.parameterScan) : undefined;
  if (scan && !commands.some((c) => c.includes(`{${scan.name}}`))) {
    throw usage(`no command contains {${scan.name}}`, `Write {${scan.name}} where the value goes, e.g. "sleep {${scan.name}}".`);
  }
  const paramSets: (Record<string, string> | undefined)[] = scan ? scan.values.map((v) => ({ [scan.name]: v })) : [undefined];
  const targets: CommandTarget[] = [];
  commands.forEach((command, i) => {
    for (const params of paramSets) {
      const sub = (text: string): string => (params ? substituteParameters(text, params) : text);
      const text = sub(command);
      const hookText: CommandTarget["hookText"] = {};
      const hooks: CommandTarget["hooks"] = {};
      for (const hook of ["setup", "prepare", "cleanup"] as const) {
        const raw = options[hook];
        if (raw === undefined || raw.trim() === "") continue;
        hookText[hook] = sub(raw);
        hooks[hook] = toArgv(sub(raw), shell);
      }
      const given = names?.[i];
      targets.push({ name: given !== undefined ? sub(given) : text, command: text, params, argv: toArgv(text, shell), hooks, hookText });
    }
  });
  if (!isNonEmpty(targets)) throw usage("nothing to run", "Give at least one command.");
  return {
    targets,
    warmup: options.warmup ?? 3,
    runs: options.runs !== undefined ? { exact: options.runs } : { minRuns, maxRuns, minTimeNs: toMinTimeNs(options.minTimeMs) },
    shell,
    // Drift (thermal, other jobs, page cache) then lands on every command alike instead of on whichever ran last.
    interleave: options.interleave ?? targets.length >= 2,
    cwd,
  };
}
