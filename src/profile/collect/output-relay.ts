import type { Readable, Writable } from "node:stream";
import type { CollectStdio } from "./types.js";

/** Captured output per stream is capped so a chatty target cannot exhaust our memory. */
export const CAPTURE_LIMIT_BYTES = 1024 * 1024;
const TAIL_LIMIT_CHARS = 8192;
// A partial line (a prompt without newline) is released after this long rather than held.
const PARTIAL_LINE_FLUSH_MS = 100;

/**
 * Relays one output stream of a target: drops the profiler's own lines (inspector banners,
 * perf's status lines), forwards the rest to our stream (`inherit`) or a capped capture
 * (`pipe`), and keeps a short tail for error messages.
 */
export class OutputRelay {
  private pending = "";
  private flushTimer: NodeJS.Timeout | undefined;
  private captured = "";
  private capturedBytes = 0;
  private truncated = false;
  private tailText = "";
  private readonly lineListeners: Array<(line: string) => void> = [];
  private readonly ended: Promise<void>;

  constructor(
    source: Readable,
    private readonly mode: CollectStdio,
    private readonly sink: Writable,
    private readonly isOwnLine: (line: string) => boolean,
  ) {
    source.setEncoding("utf8");
    source.on("data", (chunk: string) => this.push(chunk));
    this.ended = new Promise((resolve) => {
      source.once("close", () => {
        this.flush();
        resolve();
      });
    });
  }

  /** Called for every line, including the dropped ones (to read the inspector's URL). */
  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  /** Resolves when the source stream has closed and everything was relayed. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  /** The last few KB of what the target wrote (own lines excluded). */
  tail(): string {
    return this.tailText;
  }

  /** Everything relayed in `pipe` mode, with a note if the cap cut it. */
  capture(): string {
    return this.truncated ? `${this.captured}\n[output truncated at ${CAPTURE_LIMIT_BYTES} bytes]\n` : this.captured;
  }

  private push(chunk: string): void {
    this.pending += chunk;
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      this.emitLine(this.pending.slice(0, nl + 1));
      this.pending = this.pending.slice(nl + 1);
      nl = this.pending.indexOf("\n");
    }
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = this.pending ? setTimeout(() => this.flush(), PARTIAL_LINE_FLUSH_MS) : undefined;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending) this.emitLine(this.pending);
    this.pending = "";
  }

  private emitLine(text: string): void {
    const line = text.replace(/\r?\n$/, "");
    for (const listener of this.lineListeners) listener(line);
    if (this.isOwnLine(line)) return;
    this.tailText = (this.tailText + text).slice(-TAIL_LIMIT_CHARS);
    if (this.mode === "inherit") this.sink.write(text);
    else if (this.mode === "pipe" && !this.truncated) {
      const size = Buffer.byteLength(text);
      if (this.capturedBytes + size > CAPTURE_LIMIT_BYTES) this.truncated = true;
      else {
        this.captured += text;
        this.capturedBytes += size;
      }
    }
  }
}

const INSPECTOR_LINES = [
  /^Debugger listening on ws:\/\//,
  /^Debugger attached\.$/,
  /^Debugger ending on ws:\/\//,
  /^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector$/,
  /^Waiting for the debugger to disconnect\.\.\.$/,
];

/** The Node inspector's own messages on the target's stderr. */
export function isInspectorLine(line: string): boolean {
  return INSPECTOR_LINES.some((re) => re.test(line));
}
