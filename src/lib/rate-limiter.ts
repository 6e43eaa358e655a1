import { LruCache } from "./lru-cache.js";

/**
 * Token buckets by key (an IP, a token id, an account name): each key may
 * spend `limit` events at once and earns them back evenly over `windowMs`.
 * In-memory, so limits hold per hub process; behind a load balancer each
 * process counts on its own (docs/config.md). The keys kept are bounded, so
 * a flood of distinct keys cannot grow memory: the least recently seen are
 * forgotten, which only ever forgives.
 */
export class RateLimiter {
  private readonly buckets: LruCache<string, { tokens: number; at: number }>;
  private readonly ratePerMs: number;

  constructor(
    private readonly opts: { limit: number; windowMs: number; maxKeys?: number; now?: () => number },
  ) {
    this.buckets = new LruCache(opts.maxKeys ?? 100_000);
    this.ratePerMs = opts.limit / opts.windowMs;
  }

  /** False when the limit is 0 (limiting off). */
  get enabled(): boolean {
    return this.opts.limit > 0;
  }

  /** Spends one event for `key`: 0 when allowed, otherwise the seconds until one is allowed (nothing spent). */
  hit(key: string): number {
    if (!this.enabled) return 0;
    const b = this.refill(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.waitOf(b.tokens);
  }

  /** The seconds `key` must wait before its next event (0: it may go now); spends nothing. */
  wait(key: string): number {
    if (!this.enabled) return 0;
    if (!this.buckets.get(key)) return 0;
    const b = this.refill(key);
    return b.tokens >= 1 ? 0 : this.waitOf(b.tokens);
  }

  private refill(key: string): { tokens: number; at: number } {
    const now = (this.opts.now ?? Date.now)();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.opts.limit, at: now };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(this.opts.limit, b.tokens + (now - b.at) * this.ratePerMs);
    b.at = now;
    return b;
  }

  private waitOf(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.ratePerMs / 1000));
  }
}
