import { join } from "node:path";
import { formatRunStamp } from "../../core/run-output.js";

/** What every tool group gets from the server: where runs go. */
export interface ToolContext {
  /** A fresh run folder for a tool call, under the server's working directory. */
  newRunDir(kind: string): string;
}

export function createToolContext(root: string): ToolContext {
  let counter = 0;
  return {
    // A counter keeps two calls in the same millisecond apart.
    newRunDir: (kind) => join(root, ".perfscope", "runs", `${formatRunStamp(new Date())}-${kind}-${++counter}`),
  };
}
