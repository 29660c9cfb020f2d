/**
 * Per-key request limits: a token bucket per API key that holds `perMinute` requests and refills
 * evenly over a minute, so a key may burst up to its limit and then continues at the steady rate.
 *
 * The buckets live in this process's memory. That is deliberate: a limit is protection against a
 * runaway script, not a correctness rule, and a database write per request would cost every
 * request a round trip. With several instances behind a load balancer each enforces the limit on
 * its own (the effective limit is instances × perMinute); Workers keep buckets per isolate.
 */
export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  /** Whole requests left right now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until the next request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Takes one request from `key`'s bucket at time `nowMs`. */
  take(key: string, nowMs: number): RateLimitVerdict;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const WINDOW_MS = 60_000;
/** Buckets that have refilled completely are forgotten once this many keys are tracked. */
const PRUNE_ABOVE = 10_000;

/**
 * Creates the limiter; `perMinute` 0 turns limiting off.
 *
 * @example
 * const limiter = createRateLimiter(600);
 * limiter.take(keyId, Date.now()); // { allowed: true, limit: 600, remaining: 599, … }
 */
export function createRateLimiter(perMinute: number): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = perMinute / WINDOW_MS;

  const refilled = (bucket: Bucket, nowMs: number): number =>
    // A clock set back (tests, NTP) must not drain or overfill the bucket.
    Math.min(perMinute, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * refillPerMs);

  const prune = (nowMs: number) => {
    for (const [key, bucket] of buckets) if (refilled(bucket, nowMs) >= perMinute) buckets.delete(key);
  };

  return {
    take(key, nowMs) {
      if (perMinute <= 0) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
      const bucket = buckets.get(key) ?? { tokens: perMinute, updatedMs: nowMs };
      const tokens = refilled(bucket, nowMs);
      const allowed = tokens >= 1;
      const left = allowed ? tokens - 1 : tokens;
      bucket.tokens = left;
      bucket.updatedMs = nowMs;
      if (!buckets.has(key)) {
        if (buckets.size >= PRUNE_ABOVE) prune(nowMs);
        buckets.set(key, bucket);
      }
      return {
        allowed,
        limit: perMinute,
        remaining: Math.floor(left),
        resetSeconds: Math.ceil((perMinute - left) / refillPerMs / 1000),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - left) / refillPerMs / 1000)),
      };
    },
  };
}
