/**
 * Reads an HTTP/1.x response head (status line and header fields) straight from a Buffer.
 * Only what framing needs is extracted: status, Content-Length, chunked coding and whether
 * the connection stays open. Nothing is decoded to strings.
 */

export interface ResponseHead {
  status: number;
  keepAlive: boolean;
  chunked: boolean;
  /** -1 when absent (or overridden by Transfer-Encoding): the body runs to the close. */
  contentLength: number;
  /** What is wrong with a malformed head. */
  problem: string | null;
}

const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const PREFIX = "HTTP/1.";
const CONTENT_LENGTH = "content-length";
const TRANSFER_ENCODING = "transfer-encoding";
const CONNECTION = "connection";
const CHUNKED = "chunked";
const CLOSE = "close";
const KEEP_ALIVE = "keep-alive";

const isDigit = (b: number): boolean => b >= 48 && b <= 57;

/**
 * Case-insensitive compare of buf[at, at + length) with a lower-case ASCII name. The names are
 * strings: charCodeAt on a constant string is much cheaper than indexing a second Buffer.
 */
function equalsLower(buf: Buffer, at: number, length: number, name: string): boolean {
  if (length !== name.length) return false;
  for (let i = 0; i < length; i++) if (((buf[at + i] as number) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** 0: `token` is not in the comma-separated list; 1: it is, not last; 2: it is the last one. */
function findToken(buf: Buffer, from: number, to: number, token: string): number {
  let found = 0;
  let i = from;
  while (i <= to) {
    while (i < to && (buf[i] === SPACE || buf[i] === TAB || buf[i] === COMMA)) i++;
    if (i >= to) break;
    let j = i;
    while (j < to && buf[j] !== COMMA) j++;
    let k = j;
    while (k > i && (buf[k - 1] === SPACE || buf[k - 1] === TAB)) k--;
    found = equalsLower(buf, i, k - i, token) ? 2 : found === 2 ? 1 : found;
    i = j + 1;
  }
  return found;
}

function parseLength(buf: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to && (buf[i] === SPACE || buf[i] === TAB)) i++;
  let end = to;
  while (end > i && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (i === end || end - i > 15) return -1;
  let n = 0;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (!isDigit(b)) return -1;
    n = n * 10 + (b - 48);
  }
  return n;
}

/** readResponseHead: the head is not all there yet. */
export const HEAD_INCOMPLETE = -1;
/** readResponseHead: the head is malformed; `out.problem` says how. */
export const HEAD_MALFORMED = -2;

function fail(out: ResponseHead, problem: string): number {
  out.problem = problem;
  return HEAD_MALFORMED;
}

/**
 * Parses the head starting at buf[start] and ending before `end` into `out`. Lines are found
 * with indexOf(LF), which is far cheaper than a byte loop; the head ends at the first empty
 * line. Returns the offset just past that empty line, HEAD_INCOMPLETE or HEAD_MALFORMED.
 */
export function readResponseHead(buf: Buffer, start: number, end: number, out: ResponseHead): number {
  out.problem = null;
  // Non-HTTP bytes fail at once rather than waiting for a line end that may never come.
  const known = Math.min(PREFIX.length, end - start);
  for (let i = 0; i < known; i++) if (buf[start + i] !== PREFIX.charCodeAt(i)) return fail(out, "expected an HTTP/1.x status line");
  let lf = buf.indexOf(LF, start);
  if (lf === -1 || lf >= end) return HEAD_INCOMPLETE;
  if (lf - start < 13) return fail(out, "status line too short");
  const minor = buf[start + 7] as number;
  const s1 = buf[start + 9] as number;
  const s2 = buf[start + 10] as number;
  const s3 = buf[start + 11] as number;
  const afterStatus = buf[start + 12] as number;
  if (!isDigit(minor) || buf[start + 8] !== SPACE || !isDigit(s1) || !isDigit(s2) || !isDigit(s3) || (afterStatus !== SPACE && afterStatus !== CR)) {
    return fail(out, "malformed status line");
  }
  if (buf[lf - 1] !== CR) return fail(out, "status line not ended by CRLF");
  const status = (s1 - 48) * 100 + (s2 - 48) * 10 + (s3 - 48);
  if (status < 100) return fail(out, "status code below 100");
  const http10 = minor === 48;
  let keepAlive = !http10;
  let chunked = false;
  let transferEncoding = false;
  let contentLength = -1;
  let pos = lf + 1;
  for (;;) {
    lf = buf.indexOf(LF, pos);
    if (lf === -1 || lf >= end) return HEAD_INCOMPLETE;
    if (buf[lf - 1] !== CR || lf - 1 < pos) return fail(out, "bare LF in the head");
    if (lf - 1 === pos) break; // the empty line
    // Name up to the colon: no whitespace or control bytes (a lone CR in a value counts as a space).
    let colon = pos;
    let b = buf[colon] as number;
    while (b > SPACE && b !== COLON) b = buf[++colon] as number;
    if (b !== COLON || colon === pos) return fail(out, b === SPACE || b === TAB ? "whitespace in a header name (or an obsolete folded line)" : "header line without a name and colon");
    const nameLength = colon - pos;
    const valueEnd = lf - 1;
    if (equalsLower(buf, pos, nameLength, CONTENT_LENGTH)) {
      const n = parseLength(buf, colon + 1, valueEnd);
      if (n < 0) return fail(out, "Content-Length is not a number");
      if (contentLength >= 0 && contentLength !== n) return fail(out, "conflicting Content-Length headers");
      contentLength = n;
    } else if (equalsLower(buf, pos, nameLength, TRANSFER_ENCODING)) {
      transferEncoding = true;
      chunked = findToken(buf, colon + 1, valueEnd, CHUNKED) === 2;
    } else if (equalsLower(buf, pos, nameLength, CONNECTION)) {
      if (findToken(buf, colon + 1, valueEnd, CLOSE) > 0) keepAlive = false;
      else if (http10 && findToken(buf, colon + 1, valueEnd, KEEP_ALIVE) > 0) keepAlive = true;
    }
    pos = lf + 1;
  }
  if (transferEncoding) {
    // Transfer-Encoding wins over Content-Length; a non-chunked coding runs to the close.
    if (contentLength >= 0 || !chunked) keepAlive = false;
    contentLength = -1;
  }
  out.status = status;
  out.keepAlive = keepAlive;
  out.chunked = chunked;
  out.contentLength = contentLength;
  return lf + 1;
}

/** Heads up to this size are remembered for readResponseHeadCached. */
const CACHEABLE_HEAD_BYTES = 1024;
/**
 * The last head parsed in this thread. A server under load repeats the same head byte for
 * byte (until its Date header ticks over), and one memcmp is far cheaper than a parse.
 */
const lastHead = { bytes: Buffer.alloc(CACHEABLE_HEAD_BYTES), length: 0, status: 0, keepAlive: true, chunked: false, contentLength: -1 };

/** readResponseHead, answered from the previous head when the bytes are identical (so is the result). */
export function readResponseHeadCached(buf: Buffer, start: number, end: number, out: ResponseHead): number {
  const cached = lastHead.length;
  if (cached > 0 && end - start >= cached && buf.compare(lastHead.bytes, 0, cached, start, start + cached) === 0) {
    out.status = lastHead.status;
    out.keepAlive = lastHead.keepAlive;
    out.chunked = lastHead.chunked;
    out.contentLength = lastHead.contentLength;
    out.problem = null;
    return start + cached;
  }
  const headEnd = readResponseHead(buf, start, end, out);
  if (headEnd > 0 && headEnd - start <= CACHEABLE_HEAD_BYTES) {
    buf.copy(lastHead.bytes, 0, start, headEnd);
    lastHead.length = headEnd - start;
    lastHead.status = out.status;
    lastHead.keepAlive = out.keepAlive;
    lastHead.chunked = out.chunked;
    lastHead.contentLength = out.contentLength;
  }
  return headEnd;
}
