/**
 * Reads a request body into memory with a hard byte cap. Past the cap nothing more is
 * kept: the caller answers 413 and the rest of the upload is discarded up to a bound (so
 * the client gets to read the 413 instead of a reset), then the socket is cut.
 */
import type { IncomingMessage } from "node:http";

export type BodyOutcome =
  | { kind: "ok"; body: Buffer }
  | { kind: "too-large" }
  /** The client went away or the stream failed: there is nobody to answer. */
  | { kind: "aborted" };

/** How much of an oversized upload is read and thrown away before the socket is cut. */
export const DISCARD_LIMIT_BYTES = 1024 * 1024;

const TOO_LARGE: BodyOutcome = { kind: "too-large" };
const ABORTED: BodyOutcome = { kind: "aborted" };

/** Throws away the rest of an upload; cuts the connection if it goes on too long. */
export function discardBody(req: IncomingMessage): void {
  let discarded = 0;
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) req.socket.destroy();
  });
  req.on("error", () => undefined);
  req.resume();
}

/** Calls `done` exactly once with the body, or why there is none. */
export function readBody(req: IncomingMessage, maxBytes: number, done: (outcome: BodyOutcome) => void): void {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    discardBody(req);
    done(TOO_LARGE);
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let finished = false;
  const finish = (outcome: BodyOutcome): void => {
    if (finished) return;
    finished = true;
    done(outcome);
  };
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > maxBytes) {
      first = undefined;
      chunks = undefined;
      discardBody(req);
      finish(TOO_LARGE);
      return;
    }
    // Most beacons arrive in one chunk: keep it as is and copy only when a second comes.
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on("end", () => {
    const body = chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0));
    finish({ kind: "ok", body });
  });
  req.on("error", () => finish(ABORTED));
  req.on("close", () => {
    if (!req.complete) finish(ABORTED);
  });
}
