// Token bucket per caller: a burst is fine, a flood is refused with a wait hint.
export interface RateLimitOptions {
  /** Requests a caller may make in a burst. */
  burst: number;
  /** Tokens regained per second. */
  perSecond: number;
  /** Callers remembered at most (least recently seen forgotten first). */
  maxCallers?: number;
  now?: () => number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 30, perSecond: 1 };

export function createRateLimiter(o: RateLimitOptions = DEFAULT_RATE_LIMIT) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const now = o.now ?? Date.now;
  const max = o.maxCallers ?? 10_000;
  return {
    /** Takes one token; returns 0 if allowed, else the seconds to wait. */
    take(caller: string): number {
      const t = now();
      const b = buckets.get(caller) ?? { tokens: o.burst, at: t };
      b.tokens = Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
      b.at = t;
      buckets.delete(caller);
      buckets.set(caller, b);
      if (buckets.size > max) buckets.delete(buckets.keys().next().value!);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / o.perSecond);
    },
  };
}
