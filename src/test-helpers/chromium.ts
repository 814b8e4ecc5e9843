/**
 * The system Chromium for browser tests, driven by playwright-core. Never downloads a
 * browser: the binary comes from Debian's chromium package (or PERFSCOPE_CHROMIUM), so a
 * machine without it gets a TOOL_MISSING error that says how to install it.
 */
import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { PerfError } from "../core/errors.js";

const INSTALL_HINT = "run `bash scripts/install-test-deps.sh` (installs the Debian chromium package), or point PERFSCOPE_CHROMIUM at a Chromium binary";

/**
 * Flags for a quiet, reproducible test browser: no sandbox (tests run as root in containers),
 * no GPU, no /dev/shm (small in containers), and no background traffic (updates, sync,
 * QUIC probes) that would add requests a test did not make.
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/** The Chromium binary tests use: PERFSCOPE_CHROMIUM, else Debian's /usr/bin/chromium. */
export function findChromiumPath(): string {
  return process.env.PERFSCOPE_CHROMIUM ?? "/usr/bin/chromium";
}

/** Launches headless Chromium; the caller closes it. Throws TOOL_MISSING when the binary is absent. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch (cause) {
    throw new PerfError("TOOL_MISSING", `Chromium was not found (or is not executable) at ${executablePath}`, {
      where: { file: executablePath },
      hint: INSTALL_HINT,
      cause,
    });
  }
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (cause) {
    throw new PerfError("TOOL_MISSING", `Chromium at ${executablePath} did not start: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`, {
      where: { file: executablePath },
      hint: INSTALL_HINT,
      cause,
    });
  }
}
