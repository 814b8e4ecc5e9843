/**
 * One keep-alive HTTP/1.1 connection of the raw transport: writes pre-encoded requests, keeps
 * up to `pipelining` of them in a FIFO (typed-array ring, so nothing is allocated per
 * request), matches responses to them in order and fails them by kind when the socket
 * breaks. A closed connection reopens on its next send.
 */
import { connect, type Socket } from "node:net";
import type { LoadErrorKind } from "../model.js";
import { classifyRequestError } from "./error-kind.js";
import { Http1ResponseParser, type Http1ResponseHandler } from "./http1-parser.js";

/** What a connection needs from its transport: shared request bytes, the read buffer and the completion sink. */
export interface Http1ConnectionHost {
  readonly host: string;
  readonly port: number;
  readonly payloads: readonly Buffer[];
  readonly isHead: readonly boolean[];
  readonly readBuffer: Buffer;
  complete(connection: Http1Connection, status: number, errorKind: LoadErrorKind | null, bytesIn: number, intendedMs: number, sentMs: number): void;
}

export class Http1Connection implements Http1ResponseHandler {
  /** Time (load clock) of the last sign of progress while requests are in flight. */
  lastActivityMs = 0;
  /** Bytes arrived since the timeout sweep last looked. */
  active = false;
  /** When the sweep first saw this connection open with nothing in flight (-1: not idle). */
  idleSinceMs = -1;
  private socket: Socket | null = null;
  private parser: Http1ResponseParser | null = null;
  private readonly ringIndex: Int32Array;
  private readonly ringIntended: Float64Array;
  private readonly ringSent: Float64Array;
  private head = 0;
  private count = 0;

  constructor(
    private readonly owner: Http1ConnectionHost,
    private readonly capacity: number,
  ) {
    this.ringIndex = new Int32Array(capacity);
    this.ringIntended = new Float64Array(capacity);
    this.ringSent = new Float64Array(capacity);
  }

  get inFlight(): number {
    return this.count;
  }

  get isOpen(): boolean {
    return this.socket !== null;
  }

  send(requestIndex: number, intendedMs: number, sentMs: number): void {
    if (this.count === this.capacity) throw new Error("http1 connection: more requests in flight than pipelining allows");
    const socket = this.socket ?? this.open();
    if (this.count === 0) {
      this.lastActivityMs = sentMs;
      this.active = false;
      this.idleSinceMs = -1;
    }
    const slot = (this.head + this.count) % this.capacity;
    this.ringIndex[slot] = requestIndex;
    this.ringIntended[slot] = intendedMs;
    this.ringSent[slot] = sentMs;
    this.count++;
    socket.write(this.owner.payloads[requestIndex] as Buffer);
  }

  answersHeadRequest(): boolean {
    return this.count > 0 && this.owner.isHead[this.ringIndex[this.head] as number] === true;
  }

  onResponse(status: number, bytes: number, keepAlive: boolean): boolean {
    const socket = this.socket;
    if (this.count === 0) {
      // A response nobody asked for: the stream can no longer be trusted.
      this.detach("bad_response");
      return false;
    }
    const intended = this.ringIntended[this.head] as number;
    const sent = this.ringSent[this.head] as number;
    this.pop();
    this.active = true;
    if (!keepAlive) {
      // The server closes after this response: the requests behind it will get no answer.
      const orphans = this.count;
      this.release();
      this.owner.complete(this, status, null, bytes, intended, sent);
      this.failOldest(orphans, "reset");
      return false;
    }
    this.owner.complete(this, status, null, bytes, intended, sent);
    return this.socket === socket;
  }

  /** Closes the socket and fails what was in flight on it with `kind`. */
  detach(kind: LoadErrorKind): void {
    const orphans = this.count;
    this.release();
    this.failOldest(orphans, kind);
  }

  /** Closes the socket and forgets what was in flight (the run is over). */
  drop(): void {
    this.release();
    this.count = 0;
  }

  private release(): void {
    const socket = this.socket;
    this.socket = null;
    this.parser = null;
    socket?.destroy();
  }

  private pop(): void {
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  private failOldest(n: number, kind: LoadErrorKind): void {
    for (let i = 0; i < n && this.count > 0; i++) {
      const intended = this.ringIntended[this.head] as number;
      const sent = this.ringSent[this.head] as number;
      this.pop();
      this.owner.complete(this, 0, kind, 0, intended, sent);
    }
  }

  private open(): Socket {
    const parser = new Http1ResponseParser(this);
    const socket: Socket = connect({
      host: this.owner.host,
      port: this.owner.port,
      // Reads land in one buffer shared by the thread's sockets: the parser copies nothing but split heads.
      onread: { buffer: this.owner.readBuffer, callback: (n: number, buf: Buffer) => this.onRead(socket, parser, n, buf) },
    });
    socket.setNoDelay(true);
    socket.on("error", (error: Error) => {
      if (this.socket === socket) this.detach(classifyRequestError(error));
    });
    socket.on("end", () => {
      if (this.socket !== socket) return;
      // A body that runs to the close ends here; anything else cut short is a reset.
      parser.finish();
      if (this.socket === socket) this.detach("reset");
    });
    socket.on("close", () => {
      if (this.socket === socket) this.detach("reset");
    });
    this.socket = socket;
    this.parser = parser;
    return socket;
  }

  private onRead(socket: Socket, parser: Http1ResponseParser, n: number, buf: Buffer): boolean {
    if (this.socket !== socket) return false;
    this.active = true;
    if (!parser.execute(buf, 0, n) && this.socket === socket) this.detach("bad_response");
    return true;
  }
}
