/**
 * Declarations of the functions that exist only inside run_script's sandbox (the broker
 * implements them in broker-profile.ts). They are here so the API docs that agents read
 * (search_api, perfscope://api/sandbox.d.ts) describe them like every other function.
 */

/** A file's text, as `perf.readTextFile` returns it. */
export interface SandboxTextFile {
  text: string;
  /** The file's whole size; more than text's when `truncated`. */
  bytes: number;
  truncated: boolean;
}

export interface SandboxOnlyApi {
  /**
   * Reads a UTF-8 file outside the workspace, under a folder the operator allowed
   * (`perfscope mcp --allow-read <dir>`); at most `maxBytes` (default and cap 16 MiB).
   * Files inside the workspace are read with node:fs as usual.
   */
  readTextFile(path: string, maxBytes?: number): Promise<SandboxTextFile>;
  /**
   * Copies a file from an allowed folder into the workspace and returns its path relative
   * to the workspace, e.g. to analyse a large profile with the pure functions.
   */
  copyToWorkspace(path: string): Promise<string>;
}
