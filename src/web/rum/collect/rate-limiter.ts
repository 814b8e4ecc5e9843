/**
 * Per-IP token buckets in a map of bounded size: a flood of distinct (or spoofed) IPs
 * cannot grow memory, it only evicts the oldest buckets. An evicted IP comes back with a
 * full bucket, which costs at most one burst per eviction: fair enough for a beacon
 * endpoint, and the global queue bound still caps the work behind it.
 */

export interface RateLimitOptions {
  /** Tokens (beacons) added per second per IP. */
  perIpPerSecond: number;
  /** Bucket size: how many beacons one IP may send at once. */
  burst: number;
  /** How many IPs are tracked at once (default 10,000). */
  maxTrackedIps?: number;
}

/** Either admitted (0) or the number of whole seconds until a token is back (≥ 1). */
export type RateDecision = number;

export interface IpRateLimiter {
  /** Takes one token for `ip` at time `nowMs`; 0 when admitted, else the seconds to wait. */
  take(ip: string, nowMs: number): RateDecision;
  /** How many IPs are tracked now. */
  size(): number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

export const DEFAULT_MAX_TRACKED_IPS = 10_000;

/** Creates the limiter; throws a RangeError on non-positive rates (the collector turns it into a usage error). */
export function createIpRateLimiter(options: RateLimitOptions): IpRateLimiter {
  const rate = options.perIpPerSecond;
  const burst = options.burst;
  const maxIps = options.maxTrackedIps ?? DEFAULT_MAX_TRACKED_IPS;
  if (!(rate > 0) || !(burst >= 1) || !(maxIps >= 1)) {
    throw new RangeError(`rate limit needs perIpPerSecond > 0, burst >= 1 and maxTrackedIps >= 1 (got ${rate}, ${burst}, ${maxIps})`);
  }
  const perMs = rate / 1000;
  const buckets = new Map<string, Bucket>();

  function evictOne(nowMs: number): void {
    // Prefer one of the oldest buckets that has refilled anyway (forgetting it changes
    // nothing); look at a few only, so eviction stays O(1) under an IP flood.
    let oldest: string | undefined;
    let looked = 0;
    for (const [ip, bucket] of buckets) {
      oldest ??= ip;
      if (bucket.tokens + (nowMs - bucket.lastMs) * perMs >= burst) {
        buckets.delete(ip);
        return;
      }
      if (++looked >= 8) break;
    }
    if (oldest !== undefined) buckets.delete(oldest);
  }

  return {
    take(ip, nowMs) {
      let bucket = buckets.get(ip);
      if (bucket === undefined) {
        if (buckets.size >= maxIps) evictOne(nowMs);
        bucket = { tokens: burst, lastMs: nowMs };
        buckets.set(ip, bucket);
      } else if (nowMs > bucket.lastMs) {
        bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.lastMs) * perMs);
        bucket.lastMs = nowMs;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    },
    size: () => buckets.size,
  };
}
