import { isAbsolute, join, relative, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";
import { formatRunStamp } from "../../core/run-output.js";

/** What every tool group gets from the server: where runs go, and how paths resolve. */
export interface ToolContext {
  /** The server's root folder: relative input paths resolve against it. */
  root: string;
  /**
   * The run folder for a tool call: a fresh one, or the agent's `out` name, which must stay
   * inside `<root>/.perfscope/runs/` so a tool call can never overwrite files elsewhere.
   */
  runDir(kind: string, out?: string): string;
  /** An input file path, relative to the root; a path that leaves the root is refused. */
  resolvePath(path: string): string;
  /** The RUM store the server reads (the operator's choice, never the agent's): a SQLite path or postgres:// URL; default .perfscope/rum.sqlite under the root. */
  rumStore?: string;
}

export function createToolContext(root: string, options: { rumStore?: string } = {}): ToolContext {
  const runsRoot = join(resolve(root), ".perfscope", "runs");
  let counter = 0;
  return {
    root: resolve(root),
    ...(options.rumStore ? { rumStore: options.rumStore } : {}),
    runDir(kind, out) {
      // A counter keeps two calls in the same millisecond apart.
      if (out === undefined) return join(runsRoot, `${formatRunStamp(new Date())}-${kind}-${++counter}`);
      const dir = resolve(runsRoot, out);
      const rel = relative(runsRoot, dir);
      if (isAbsolute(out) || rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
        throw new PerfError("USAGE", `out must be a folder name inside ${runsRoot}, got ${JSON.stringify(out)}`, {
          hint: 'Use a plain name such as "baseline" or "api/run-2", or leave out unset for a fresh folder.',
        });
      }
      return dir;
    },
    resolvePath(path) {
      const full = resolve(root, path);
      const rel = relative(resolve(root), full);
      // An agent reads and runs files of the workspace it was given, never beyond it.
      if (rel.startsWith("..") || isAbsolute(rel)) {
        throw new PerfError("USAGE", `${JSON.stringify(path)} is outside the server's root ${resolve(root)}`, {
          hint: "Pass a path inside the root (relative paths resolve against it), or start perfscope mcp with --root <folder> that contains it.",
        });
      }
      return full;
    },
  };
}
