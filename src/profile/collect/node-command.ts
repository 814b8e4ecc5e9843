import { existsSync, statSync } from "node:fs";
import { basename, delimiter, isAbsolute, join, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";

/** True if the executable is Node itself: `node`, `nodejs`, `node20`, or our own execPath. */
export function isNodeExecutable(executable: string): boolean {
  if (executable === process.execPath) return true;
  return /^(node|nodejs)(\d+(\.\d+)*)?(\.exe)?$/i.test(basename(executable));
}

/** Inserts node flags right after the node executable, before the script and its arguments. */
export function insertNodeFlags(command: readonly string[], flags: readonly string[]): string[] {
  const [exe, ...rest] = command;
  if (exe === undefined) return [...flags];
  return [exe, ...flags, ...rest];
}

/** Resolves an executable name on PATH the way spawn will; null if it is nowhere. */
export function findExecutable(name: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  if (name.includes("/")) {
    const path = resolve(cwd, name);
    return isRunnableFile(path) ? path : null;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    if (isRunnableFile(path)) return path;
  }
  return null;
}

function isRunnableFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

// Node options that take their value as the next argument (so it is not the script).
const FLAGS_WITH_VALUE = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--title", "--env-file", "--input-type", "--stack-size", "--max-old-space-size"]);
// With these there is no script file to check.
const NO_SCRIPT_FLAGS = new Set(["-e", "--eval", "-p", "--print", "-i", "--interactive", "--test", "-v", "--version", "-h", "--help", "-"]);

/** The script a node command runs, or null (`-e`, REPL, `--test`). */
export function findNodeScript(command: readonly string[]): string | null {
  for (let i = 1; i < command.length; i++) {
    const arg = command[i]!;
    if (arg === "--") return command[i + 1] ?? null;
    if (NO_SCRIPT_FLAGS.has(arg)) return null;
    if (FLAGS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return arg;
  }
  return null;
}

/**
 * Checks that the script of a node command exists before starting it: with the inspector
 * waiting at start, a missing script would otherwise only show up as "Cannot find module".
 */
export function assertNodeScriptExists(command: readonly string[], cwd: string): void {
  const script = findNodeScript(command);
  if (script === null) return;
  const path = isAbsolute(script) ? script : resolve(cwd, script);
  // Node's own lookup for a main module: as is, with an extension, or a folder.
  const candidates = [path, `${path}.js`, `${path}.mjs`, `${path}.cjs`, `${path}.json`, join(path, "index.js"), join(path, "package.json")];
  if (candidates.some((c) => existsSync(c))) return;
  throw new PerfError("TARGET_NOT_FOUND", `script not found: ${script}`, {
    where: { file: path },
    hint: `check the path (resolved against ${cwd}); the command was: ${command.join(" ")}`,
  });
}

/** Throws TARGET_NOT_FOUND if the command's executable is not on PATH. */
export function assertExecutableExists(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const exe = command[0];
  if (exe === undefined || exe === "") {
    throw new PerfError("USAGE", "no command given to profile", { hint: "pass the command as a list, e.g. ['node', 'app.js']" });
  }
  const found = findExecutable(exe, cwd, env);
  if (!found) {
    throw new PerfError("TARGET_NOT_FOUND", `command not found: ${exe}`, {
      where: { file: exe },
      hint: exe.includes("/") ? `no executable file at ${resolve(cwd, exe)}` : "it is not on PATH; give its full path or install it",
    });
  }
  return found;
}
