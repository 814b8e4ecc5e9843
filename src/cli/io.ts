import { describeError, exitCodeForError, PerfError, type ExitCode } from "../core/errors.js";

/** The CLI's only door to the terminal: the library never prints. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

export function writeLine(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Prints an error the same way for every command and returns its exit code. */
export function reportError(io: CliIo, error: unknown, json: boolean): ExitCode {
  const code = exitCodeForError(error);
  if (json) {
    const body = error instanceof PerfError ? error.toJSON() : { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
    writeLine(io.stdout, JSON.stringify({ error: body }, null, 2));
  }
  writeLine(io.stderr, `perfscope: ${describeError(error)}`);
  if (!(error instanceof PerfError) && error instanceof Error && error.stack && process.env.PERFSCOPE_DEBUG) writeLine(io.stderr, error.stack);
  return code;
}

export function usageError(message: string, hint?: string): PerfError {
  return new PerfError("USAGE", message, hint ? { hint } : {});
}

/**
 * Progress on stderr for work that lasts over a second: a line rewritten in place on a
 * terminal, a plain line every few seconds otherwise (CI logs), nothing when quiet.
 */
export function createProgressPrinter(io: CliIo, quiet: boolean): { update(text: string): void; done(): void } {
  if (quiet) return { update() {}, done() {} };
  const tty = Boolean(io.stderr.isTTY);
  const startedAt = Date.now();
  let lastPlain = 0;
  let shown = false;
  return {
    update(text) {
      // Work that ends within a second needs no progress line.
      if (Date.now() - startedAt < 1000) return;
      if (tty) {
        io.stderr.write(`\r\u001b[2K${text}`);
        shown = true;
      } else if (Date.now() - lastPlain >= 5000) {
        lastPlain = Date.now();
        writeLine(io.stderr, text);
      }
    },
    done() {
      if (tty && shown) io.stderr.write("\r\u001b[2K");
      shown = false;
    },
  };
}

/**
 * Turns Ctrl-C, SIGTERM and SIGHUP into an abort of the returned signal, so long work stops,
 * keeps what it collected and reports it; a second Ctrl-C quits at once. Call `dispose` when
 * the work is over.
 */
export function installStopSignals(io: CliIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      writeLine(io.stderr, "\nperfscope: stopping, saving what was collected (Ctrl-C again to quit at once)…");
      controller.abort(new Error("interrupted by Ctrl-C"));
    } else process.exit(130);
  };
  // A cancelled CI job or a closed terminal stops the same way: started targets must not be left behind.
  const onTerminate = () => controller.abort(new Error("stopped by a termination signal"));
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onTerminate);
  process.on("SIGHUP", onTerminate);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onTerminate);
      process.off("SIGHUP", onTerminate);
    },
  };
}

/** `--top N`: a positive integer, 10 when absent. */
export function parseTopOption(raw: string | undefined): number {
  const top = raw !== undefined ? Number(raw) : 10;
  if (!Number.isInteger(top) || top <= 0) throw usageError(`Invalid --top "${raw}".`, "A positive integer, e.g. --top 5.");
  return top;
}
