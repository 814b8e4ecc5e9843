import { execFile } from "node:child_process";
import { PerfError } from "../../core/errors.js";

export interface PerfToolOptions {
  /** The perf binary; default `$PERFSCOPE_PERF`, else `perf` on PATH. */
  perfPath?: string;
  /**
   * Argv prefix perf runs under, e.g. ['sudo', '-n'] to profile as root, or a setpriv call
   * to drop privileges. Perf's own errors are classified the same either way.
   */
  perfWrapper?: string[];
}

export interface PerfTool {
  /** Full argv to run perf: wrapper + binary. */
  argv: string[];
  version: string;
}

const INSTALL_HINT = "install it with `apt-get install linux-perf` (Debian; the package is linux-perf), `apt-get install linux-tools-$(uname -r)` (Ubuntu) or `dnf install perf` (Fedora), or point PERFSCOPE_PERF at the binary";

/** Finds perf and checks that it runs (`perf --version`); TOOL_MISSING says what to install. */
export async function locatePerf(options: PerfToolOptions = {}): Promise<PerfTool> {
  const binary = options.perfPath ?? process.env.PERFSCOPE_PERF ?? "perf";
  const argv = [...(options.perfWrapper ?? []), binary];
  const { code, stdout, stderr, spawnError } = await run(argv[0]!, [...argv.slice(1), "--version"]);
  if (spawnError === "ENOENT") {
    const missing = options.perfWrapper?.length ? argv[0]! : binary;
    throw new PerfError("TOOL_MISSING", `Linux perf is not installed: ${missing} was not found`, { where: { file: missing }, hint: INSTALL_HINT });
  }
  if (spawnError === "EACCES") {
    throw new PerfError("PERMISSION_DENIED", `not allowed to run ${binary}`, { where: { file: binary }, hint: "check its execute permission" });
  }
  // Debian's /usr/bin/perf wrapper exits non-zero when no perf matches the running kernel.
  if (code !== 0 || !/perf version/i.test(stdout)) {
    const text = `${stdout}\n${stderr}`.trim();
    throw new PerfError("TOOL_MISSING", `${binary} does not run: ${text.slice(0, 300) || `exit code ${code}`}`, {
      where: { file: binary },
      hint: /not found for kernel/i.test(text) ? `install the perf build for this kernel (\`apt-get install linux-perf\`, or linux-perf-<version> as the message says)` : INSTALL_HINT,
    });
  }
  return { argv, version: stdout.trim() };
}

function run(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; spawnError?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
      if (err && typeof err.code === "string") resolve({ code: null, stdout, stderr, spawnError: err.code });
      else resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
