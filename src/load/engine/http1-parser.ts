/**
 * A minimal HTTP/1.1 response parser for the load generator's raw transport. It works on
 * Buffers and never turns bodies into strings: it only needs each response's status, its
 * size on the wire and whether the connection stays open. Input may be split anywhere and
 * one chunk may hold several pipelined responses.
 */
import { HEAD_INCOMPLETE, readResponseHeadCached, type ResponseHead } from "./http1-head.js";

export interface Http1ResponseHandler {
  /** Whether the response being parsed answers a HEAD request (no body, whatever it says). */
  answersHeadRequest(): boolean;
  /**
   * One final response is complete. `bytes` counts everything it took on the wire (interim
   * 1xx responses included). Return false to stop parsing (the connection is going away).
   */
  onResponse(status: number, bytes: number, keepAlive: boolean): boolean;
}

/** Headers larger than this are treated as a malformed response rather than buffered forever. */
const MAX_HEAD_BYTES = 64 * 1024;
/** 13 hex digits is 2^52: chunk sizes stay exact as doubles. */
const MAX_CHUNK_SIZE_DIGITS = 13;
const CR = 13;
/** Filled in place for each head: no allocation per response. */
const head: ResponseHead = { status: 0, keepAlive: true, chunked: false, contentLength: -1, problem: null };
const LF = 10;

const enum State {
  Head,
  Body,
  UntilClose,
  ChunkSize,
  ChunkExtension,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  TrailerLineStart,
  TrailerLine,
  TrailerLf,
  TrailerEndLf,
  Failed,
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

export class Http1ResponseParser {
  /** Why parsing failed (with the byte offset into the response stream), once it has. */
  error: string | null = null;
  private state = State.Head;
  /** Body bytes still due (Content-Length or the current chunk). */
  private remaining = 0;
  private chunkDigits = 0;
  private status = 0;
  private keepAlive = true;
  /** Bytes of the current response consumed before the current input chunk. */
  private bytes = 0;
  /** Total bytes consumed over the connection: where an error sits. */
  private offset = 0;
  private pending: Buffer | null = null;
  private pendingLength = 0;

  constructor(private readonly handler: Http1ResponseHandler) {}

  /** True between responses: nothing of a response has arrived yet. */
  get idle(): boolean {
    return this.state === State.Head && this.pendingLength === 0;
  }

  /**
   * Parses input[start, end). Returns false when the input is malformed (see `error`) or the
   * handler asked to stop; the parser must not be fed again after that.
   */
  execute(input: Buffer, start: number, end: number): boolean {
    if (this.state === State.Failed) return false;
    if (this.pendingLength > 0) {
      // A head split across reads: gather the rest behind what came before and parse from there.
      const joined = this.appendPending(input, start, end);
      this.pendingLength = 0;
      return this.run(joined, 0, joined.length);
    }
    return this.run(input, start, end);
  }

  /**
   * The connection closed. Completes a response whose body runs to the close; returns false
   * when a response was cut off part-way.
   */
  finish(): boolean {
    if (this.state === State.UntilClose) {
      this.state = State.Head;
      this.handler.onResponse(this.status, this.bytes, false);
      return true;
    }
    return this.state === State.Head && this.pendingLength === 0;
  }

  private fail(message: string, at: number): false {
    this.state = State.Failed;
    this.error = `${message} at byte ${this.offset + at} of the response stream`;
    return false;
  }

  /** Appends input to the kept start of a head; the head is parsed again from its first byte. */
  private appendPending(input: Buffer, start: number, end: number): Buffer {
    const needed = this.pendingLength + (end - start);
    let pending = this.pending as Buffer;
    if (needed > pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, pending.length * 2));
      pending.copy(grown, 0, 0, this.pendingLength);
      pending = this.pending = grown;
    }
    input.copy(pending, this.pendingLength, start, end);
    // `offset` and `bytes` still stand at pending[0]: kept bytes are counted once parsed.
    return pending.subarray(0, needed);
  }

  private keep(input: Buffer, start: number, end: number): boolean {
    const length = end - start;
    if (length > MAX_HEAD_BYTES) return this.fail(`response head longer than ${MAX_HEAD_BYTES} bytes`, 0);
    if (this.pending === null || this.pending.length < length) this.pending = Buffer.allocUnsafe(Math.max(1024, length * 2));
    input.copy(this.pending, 0, start, end);
    this.pendingLength = length;
    return true;
  }

  private completed(at: number, segmentStart: number): boolean {
    const bytes = this.bytes + (at - segmentStart);
    this.bytes = 0;
    this.state = State.Head;
    return this.handler.onResponse(this.status, bytes, this.keepAlive);
  }

  private startBody(): void {
    this.status = head.status;
    this.keepAlive = head.keepAlive;
    const bodiless = head.status === 204 || head.status === 304 || this.handler.answersHeadRequest();
    if (bodiless) this.remaining = 0;
    else if (head.chunked) {
      this.state = State.ChunkSize;
      this.remaining = 0;
      this.chunkDigits = 0;
      return;
    } else if (head.contentLength >= 0) this.remaining = head.contentLength;
    else {
      this.state = State.UntilClose;
      return;
    }
    this.state = State.Body;
  }

  /** The state machine proper. */
  private run(input: Buffer, start: number, end: number): boolean {
    let pos = start;
    let segment = start;
    while (pos < end) {
      switch (this.state) {
        case State.Head: {
          const headEnd = readResponseHeadCached(input, pos, end, head);
          if (headEnd === HEAD_INCOMPLETE) {
            // An unfinished head waits for more input (copy overlaps safely when it is already pending).
            this.bytes += pos - segment;
            this.offset += pos - start;
            return this.keep(input, pos, end);
          }
          if (headEnd < 0) return this.fail(head.problem ?? "malformed head", pos - start);
          pos = headEnd;
          if (head.status < 200 && head.status !== 101) continue; // interim: the final one follows
          if (head.status === 101) return this.fail("101 Switching Protocols is not HTTP/1.1 any more", pos - start);
          this.startBody();
          if ((this.state as State) === State.Body && this.remaining === 0) {
            if (!this.completed(pos, segment)) return false;
            segment = pos;
          }
          continue;
        }
        case State.Body: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            if (!this.completed(pos, segment)) return false;
            segment = pos;
          }
          continue;
        }
        case State.UntilClose:
          pos = end;
          continue;
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkDataCr;
          continue;
        }
        default:
          break;
      }
      // Chunk framing, one byte at a time: it is a few bytes per chunk.
      const byte = input[pos] as number;
      switch (this.state) {
        case State.ChunkSize: {
          const digit = hexValue(byte);
          if (digit >= 0) {
            if (++this.chunkDigits > MAX_CHUNK_SIZE_DIGITS) return this.fail("chunk size too large", pos - start);
            this.remaining = this.remaining * 16 + digit;
          } else if (this.chunkDigits === 0) return this.fail("expected a hex chunk size", pos - start);
          else if (byte === CR) this.state = State.ChunkSizeLf;
          else if (byte === 0x3b || byte === 0x20 || byte === 0x09) this.state = State.ChunkExtension;
          else return this.fail("bad character in chunk size", pos - start);
          break;
        }
        case State.ChunkExtension:
          if (byte === CR) this.state = State.ChunkSizeLf;
          else if (byte === LF) return this.fail("bare LF in chunk extension", pos - start);
          break;
        case State.ChunkSizeLf:
          if (byte !== LF) return this.fail("expected LF after chunk size", pos - start);
          this.state = this.remaining === 0 ? State.TrailerLineStart : State.ChunkData;
          break;
        case State.ChunkDataCr:
          if (byte !== CR) return this.fail("expected CRLF after chunk data", pos - start);
          this.state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (byte !== LF) return this.fail("expected CRLF after chunk data", pos - start);
          this.state = State.ChunkSize;
          this.chunkDigits = 0;
          break;
        case State.TrailerLineStart:
          this.state = byte === CR ? State.TrailerEndLf : State.TrailerLine;
          break;
        case State.TrailerLine:
          if (byte === CR) this.state = State.TrailerLf;
          break;
        case State.TrailerLf:
          if (byte !== LF) return this.fail("expected LF after trailer line", pos - start);
          this.state = State.TrailerLineStart;
          break;
        case State.TrailerEndLf:
          if (byte !== LF) return this.fail("expected LF ending the chunked body", pos - start);
          pos++;
          if (!this.completed(pos, segment)) return false;
          segment = pos;
          continue;
        default:
          return false;
      }
      pos++;
    }
    this.bytes += end - segment;
    this.offset += end - start;
    return true;
  }
}
