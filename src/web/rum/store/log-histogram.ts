/**
 * A log-bucket histogram (a DDSketch-style sketch): bucket i holds the values in
 * (γ^(i-1), γ^i], so any quantile read back is within (γ-1)/(γ+1) ≈ 1 % of a true value of
 * the same rank, whatever the spread. Histograms merge by adding counts, which is what lets
 * the RUM store keep one per (hour, route, device, connection) and answer percentiles over
 * millions of events without sorting raw rows. Values ≤ 1e-6 (CLS is often exactly 0,
 * a bfcache TTFB is 0) go to a separate zero count.
 */

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** The worst relative error of a quantile read back, ≈ 0.0099. */
export const LOG_HISTOGRAM_RELATIVE_ACCURACY = (GAMMA - 1) / (GAMMA + 1);
/** Values at or below this count as zero: far below any CLS score or millisecond that matters. */
const ZERO_LIMIT = 1e-6;
/** First byte of every encoded histogram, so a later layout can be told apart. */
const ENCODING_VERSION = 1;

export function bucketIndexOf(value: number): number {
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/** The value reported for bucket i: equally far, relatively, from both of its edges. */
function representativeOf(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

export class LogHistogram {
  zeroCount = 0;
  private total = 0;
  /** Bucket index of counts[0]; counts grows at either end as values arrive. */
  private offset = 0;
  private counts = new Float64Array(0);

  get count(): number {
    return this.total;
  }

  add(value: number, count = 1): void {
    if (!(value > ZERO_LIMIT)) {
      this.zeroCount += count;
      this.total += count;
      return;
    }
    this.addToBucket(bucketIndexOf(value), count);
  }

  /**
   * Takes back one value added earlier (a report superseded by a later one). Throws when the
   * value's bucket is empty: the caller's books no longer match the histogram.
   */
  remove(value: number): void {
    if (!(value > ZERO_LIMIT)) {
      if (this.zeroCount < 1) throw new Error(`histogram holds no zero value to remove`);
      this.zeroCount--;
      this.total--;
      return;
    }
    const index = bucketIndexOf(value);
    const at = index - this.offset;
    if (at < 0 || at >= this.counts.length || (this.counts[at] ?? 0) < 1) throw new Error(`histogram holds no value in the bucket of ${value} to remove`);
    this.counts[at] = (this.counts[at] ?? 0) - 1;
    this.total--;
  }

  addToBucket(index: number, count: number): void {
    if (index < this.offset || index >= this.offset + this.counts.length) this.grow(index);
    this.counts[index - this.offset] = (this.counts[index - this.offset] ?? 0) + count;
    this.total += count;
  }

  merge(other: LogHistogram): void {
    this.zeroCount += other.zeroCount;
    this.total += other.zeroCount;
    other.forEachBucket((index, count) => this.addToBucket(index, count));
  }

  /** Calls `visit` for every non-empty bucket, lowest first. */
  forEachBucket(visit: (index: number, count: number) => void): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] ?? 0;
      if (c > 0) visit(i + this.offset, c);
    }
  }

  /**
   * The nearest-rank quantile (q in [0, 1]): the smallest value with at least q·n values at
   * or below it, read back within the relative accuracy. NaN when empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    if (rank <= this.zeroCount) return 0;
    let seen = this.zeroCount;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return representativeOf(i + this.offset);
    }
    return representativeOf(this.offset + counts.length - 1);
  }

  /** How many values lie above `value`; values in `value`'s own bucket count as not above. */
  countAbove(value: number): number {
    if (!(value > ZERO_LIMIT)) return value < 0 ? this.total : this.total - this.zeroCount;
    const first = bucketIndexOf(value) + 1 - this.offset;
    let above = 0;
    for (let i = Math.max(0, first); i < this.counts.length; i++) above += this.counts[i] ?? 0;
    return above;
  }

  /**
   * Sparse bytes: a version byte, the zero count, the number of buckets, then (index delta,
   * count) varint pairs. Records are self-delimiting, so the database can concatenate many
   * rows' histograms (string_agg) and a query reads one row per route and day instead of one
   * per hour and key.
   */
  encode(): Buffer {
    let buckets = 0;
    this.forEachBucket(() => buckets++);
    const out = new VarintWriter(16 + buckets * 6);
    out.byte(ENCODING_VERSION);
    out.unsigned(this.zeroCount);
    out.unsigned(buckets);
    let previous = 0;
    this.forEachBucket((index, count) => {
      out.signed(index - previous);
      out.unsigned(count);
      previous = index;
    });
    return out.finish();
  }

  static decode(bytes: Uint8Array): LogHistogram {
    const histogram = new LogHistogram();
    decodeLogHistogramsInto(bytes, [histogram]);
    return histogram;
  }

  private grow(index: number): void {
    if (this.counts.length === 0) {
      this.offset = index - 32;
      this.counts = new Float64Array(64);
      return;
    }
    const low = Math.min(this.offset, index - 16);
    const high = Math.max(this.offset + this.counts.length, index + 17);
    const grown = new Float64Array(Math.max(high - low, this.counts.length * 2));
    grown.set(this.counts, this.offset - low);
    this.offset = low;
    this.counts = grown;
  }
}

/**
 * Adds encoded histograms (one, or several concatenated as string_agg joins them) to every
 * target at once: a query adds the rows of a route and day to the route, the day and the
 * group without building a histogram per row.
 */
export function decodeLogHistogramsInto(bytes: Uint8Array, targets: readonly LogHistogram[]): void {
  const reader = new VarintReader(bytes);
  do {
    const version = reader.byte();
    if (version !== ENCODING_VERSION) throw new Error(`histogram at byte ${reader.position - 1} has encoding version ${version}, not ${ENCODING_VERSION}`);
    const zero = reader.unsigned();
    if (zero > 0) for (const target of targets) target.add(0, zero);
    const buckets = reader.unsigned();
    let index = 0;
    for (let b = 0; b < buckets; b++) {
      index += reader.signed();
      const count = reader.unsigned();
      for (const target of targets) target.addToBucket(index, count);
    }
  } while (!reader.atEnd());
}

class VarintWriter {
  private bytes: Uint8Array;
  private length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  byte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }

  /** LEB128 on doubles (not 32-bit ints), so counts past 2^31 stay exact. */
  unsigned(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  signed(value: number): void {
    this.unsigned(value < 0 ? -2 * value - 1 : 2 * value);
  }

  finish(): Buffer {
    return Buffer.from(this.bytes.buffer, 0, this.length);
  }
}

class VarintReader {
  position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  byte(): number {
    const value = this.bytes[this.position++];
    if (value === undefined) throw new Error(`histogram ends early at byte ${this.position - 1}`);
    return value;
  }

  unsigned(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }

  signed(): number {
    const z = this.unsigned();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
