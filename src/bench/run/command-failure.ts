/**
 * Turning a failed run (of the command or of one of its hooks) into the BenchError of its
 * result: which step failed, how (exit code, signal, not found), the last lines it wrote to
 * stderr, the command line, and what to do.
 */
import type { BenchError } from "../model.js";
import type { CommandTarget } from "./command-plan.js";
import type { SpawnOutcome } from "./command-launcher.js";

export interface RunFailure {
  what: "command" | "setup" | "prepare" | "cleanup";
  target: CommandTarget;
  shell: string | false;
  phase: "warmup" | "run" | "setup" | "prepare" | "cleanup";
  /** 1-based run number (for prepare: the run it was preparing). */
  index: number;
  outcome: Exclude<SpawnOutcome, { kind: "aborted" }>;
  stderrTail: string;
}

/** POSIX shells exit 127 for "command not found" and 126 for "found but not executable". */
const SHELL_NOT_FOUND = 127;
const SHELL_NOT_EXECUTABLE = 126;

export function describeRunFailure(failure: RunFailure): BenchError {
  const { what, target, outcome, stderrTail } = failure;
  const text = what === "command" ? target.command : (target.hookText[what] ?? "");
  const step = what === "command" ? "the command" : `the ${what} hook`;
  const when = failure.phase === "warmup" ? ` on warmup run ${failure.index}` : failure.phase === "run" ? ` on timed run ${failure.index}` : failure.phase === "prepare" ? ` before run ${failure.index}` : "";
  const where = what === "command" ? `command: ${text}` : `${what} hook: ${text} (for ${target.name})`;
  const stderr = stderrTail !== "" ? `\nstderr (last lines):\n${stderrTail}` : "";
  const fixHint = what === "command"
    ? "Fix the command (run it by hand to see), or pass ignoreFailure: true to time it even when it exits non-zero."
    : `Fix the ${what} hook (run it by hand to see); the command is not measured while its ${what} fails.`;

  if (outcome.kind === "spawn-failed") {
    const code = outcome.error.code;
    const program = text.trim().split(/\s+/)[0] ?? text;
    if (code === "ENOENT") {
      return { message: `${step} could not start: "${program}" was not found (spawned without a shell)${when}`, where, hint: "Check the spelling and PATH, or give the full path of the program; shell features (pipes, &&, globs) need shell: \"sh\"." };
    }
    if (code === "EACCES") {
      return { message: `${step} could not start: permission denied for "${program}"${when}`, where, hint: "Make the program executable (chmod +x) or run it through its interpreter." };
    }
    return { message: `${step} could not start: ${outcome.error.message}${when}`, where, hint: fixHint };
  }
  if (outcome.signal !== null) {
    return { message: `${step} was killed by ${outcome.signal}${when}${stderr}`, where, hint: fixHint };
  }
  if (failure.shell !== false && outcome.exitCode === SHELL_NOT_FOUND) {
    return {
      message: `${step} was not found by ${failure.shell} (exit code 127)${when}${stderr}`,
      where,
      hint: "Check the spelling and that the program is installed and on PATH (or give its full path).",
    };
  }
  if (failure.shell !== false && outcome.exitCode === SHELL_NOT_EXECUTABLE) {
    return { message: `${step} is not executable (exit code 126)${when}${stderr}`, where, hint: "Make the program executable (chmod +x) or run it through its interpreter." };
  }
  return { message: `${step} exited with code ${String(outcome.exitCode)}${when}${stderr}`, where, hint: fixHint };
}
