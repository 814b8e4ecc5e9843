/**
 * Parsing of a `perf script` sample header. Its fields depend on `perf record`/`perf script`
 * options, so it is read by shape rather than by position:
 *
 *   comm  pid/tid [cpu] seconds.micros: [period] event: [ip sym+off (dso)]
 *
 * `comm` may contain spaces ("V8 WorkerThread"), the pid may be absent (`tid` only) or
 * printed as `pid/tid`, the period and CPU are optional, and without `-g` the one frame
 * follows the event on the same line.
 */
export interface PerfSampleHeader {
  comm: string;
  pid?: number;
  tid?: number;
  cpu?: number;
  /** Sample time in microseconds (perf prints seconds). */
  time?: number;
  period?: number;
  event: string;
  /** The sample's single frame when perf printed it on the header line (no call chain). */
  inline?: string;
}

interface Token {
  start: number;
  end: number;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
    out.push({ start, end: i });
  }
  return out;
}

function isDigits(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `123.456789:` — perf's timestamp, seconds with a fraction, followed by a colon. */
function isTimeToken(s: string, t: Token): boolean {
  if (s.charCodeAt(t.end - 1) !== 58) return false;
  const dot = s.indexOf(".", t.start);
  return dot > t.start && dot < t.end - 1 && isDigits(s, t.start, dot) && isDigits(s, dot + 1, t.end - 1);
}

/** Seconds text to whole microseconds without float drift on the integer part. */
function parseSecondsToMicros(s: string, from: number, to: number): number {
  const dot = s.indexOf(".", from);
  const whole = Number(s.slice(from, dot));
  const frac = s.slice(dot + 1, to);
  return whole * 1e6 + Number(frac) * 10 ** (6 - frac.length);
}

function parsePidTid(s: string, t: Token): { pid?: number; tid: number } | null {
  const slash = s.indexOf("/", t.start);
  if (slash > t.start && slash < t.end) {
    if (!isDigits(s, t.start, slash) || !isDigits(s, slash + 1, t.end)) return null;
    return { pid: Number(s.slice(t.start, slash)), tid: Number(s.slice(slash + 1, t.end)) };
  }
  return isDigits(s, t.start, t.end) ? { tid: Number(s.slice(t.start, t.end)) } : null;
}

/** Parses a sample header line, or returns null when the line does not have that shape. */
export function parsePerfHeader(line: string): PerfSampleHeader | null {
  const tokens = tokenize(line);
  if (tokens.length < 2) return null;
  let timeAt = -1;
  for (let k = 1; k < tokens.length; k++) {
    if (isTimeToken(line, tokens[k]!)) {
      timeAt = k;
      break;
    }
  }
  // Without a timestamp the event token (ending in ':') marks the end of the fixed fields.
  let before = timeAt;
  if (before < 0) {
    for (let k = 1; k < tokens.length; k++) {
      if (line.charCodeAt(tokens[k]!.end - 1) === 58) {
        before = k;
        break;
      }
    }
    if (before < 0) return null;
  }
  let j = before - 1;
  const header: PerfSampleHeader = { comm: "", event: "" };
  const cpuTok = tokens[j]!;
  if (j >= 1 && line.charCodeAt(cpuTok.start) === 91 && line.charCodeAt(cpuTok.end - 1) === 93 && isDigits(line, cpuTok.start + 1, cpuTok.end - 1)) {
    header.cpu = Number(line.slice(cpuTok.start + 1, cpuTok.end - 1));
    j--;
  }
  const ids = j >= 1 ? parsePidTid(line, tokens[j]!) : null;
  if (ids) {
    if (ids.pid !== undefined) header.pid = ids.pid;
    header.tid = ids.tid;
    header.comm = line.slice(tokens[0]!.start, tokens[j - 1]!.end);
  } else {
    header.comm = line.slice(tokens[0]!.start, tokens[j]!.end);
  }
  let k = before;
  if (timeAt >= 0) {
    const tt = tokens[timeAt]!;
    header.time = parseSecondsToMicros(line, tt.start, tt.end - 1);
    k = timeAt + 1;
    const p = tokens[k];
    if (p && isDigits(line, p.start, p.end)) {
      header.period = Number(line.slice(p.start, p.end));
      k++;
    }
  }
  const ev = tokens[k];
  if (!ev || line.charCodeAt(ev.end - 1) !== 58) return null;
  header.event = line.slice(ev.start, ev.end - 1);
  const rest = tokens[k + 1];
  if (rest) header.inline = line.slice(rest.start).trimEnd();
  return header;
}

const JSON_START = /^\s*(?:\{|\[\s*[[{"\]\d-])/;

/**
 * Whether text looks like `perf script` output: its first line that is neither blank nor a
 * `#` comment parses as a sample header, and the next line is a call-chain line or blank.
 */
export function sniffPerfScript(text: string): boolean {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl).replace(/\r$/, "");
    pos = nl + 1;
    if (line.trim() === "" || line.startsWith("#")) continue;
    // JSON (a one-line .cpuprofile cut at the sniffed head) can pass the lenient header shape.
    if (JSON_START.test(line)) return false;
    const header = parsePerfHeader(line);
    if (!header) return false;
    if (header.inline !== undefined) return true;
    let next = text.indexOf("\n", pos);
    if (next < 0) next = text.length;
    const following = text.slice(pos, next).replace(/\r$/, "");
    return following.trim() === "" || /^[\t ]+\S/.test(following);
  }
  return false;
}
