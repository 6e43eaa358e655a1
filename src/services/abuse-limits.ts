import { DetailedError } from "../lib/error-details.js";
import { RateLimiter } from "../lib/rate-limiter.js";

/** Settings of `AbuseLimits` (docs/config.md): events per minute; 0 turns a limit off. */
export interface AbuseLimitSettings {
  authFailuresPerMinute: number;
  writesPerMinute: number;
}

/**
 * Rate limits against guessing and flooding, in memory (one process):
 * failed authentications (unknown tokens, wrong passwords) per client IP and
 * per account name, sign-ups per client IP, and writes per token (or per IP
 * without one). A limit
 * reached answers 429 with `Retry-After`.
 *
 * The sign-in route calls `checkAuth(ip, username)` before checking a
 * password and `authFailed(ip, username)` after a wrong one.
 */
export class AbuseLimits {
  private readonly authFailuresByIp: RateLimiter;
  private readonly authFailuresByAccount: RateLimiter;
  private readonly writes: RateLimiter;
  private readonly signUps: RateLimiter;

  constructor(settings: AbuseLimitSettings, now?: () => number) {
    const minute = 60_000;
    this.authFailuresByIp = new RateLimiter({ limit: settings.authFailuresPerMinute, windowMs: minute, now });
    this.authFailuresByAccount = new RateLimiter({ limit: settings.authFailuresPerMinute, windowMs: minute, now });
    this.writes = new RateLimiter({ limit: settings.writesPerMinute, windowMs: minute, now });
    // Accounts made from one address: as many a minute as failed authentications are allowed.
    this.signUps = new RateLimiter({ limit: settings.authFailuresPerMinute, windowMs: minute, now });
  }

  /** Refuses (429) a client, or an account, that failed to authenticate too often lately; spends nothing. */
  checkAuth(ip: string, account?: string): void {
    const wait = Math.max(this.authFailuresByIp.wait(ip), account === undefined ? 0 : this.authFailuresByAccount.wait(account));
    if (wait > 0) throw tooMany("Too many failed authentication attempts; try again later", wait);
  }

  /** Counts a failed authentication from `ip` (and against `account`, for sign-in). */
  authFailed(ip: string, account?: string): void {
    this.authFailuresByIp.hit(ip);
    if (account !== undefined) this.authFailuresByAccount.hit(account);
  }

  /** Counts a sign-up attempt from `ip`; 429 when that address has tried too often lately. */
  signUp(ip: string): void {
    const wait = this.signUps.hit(ip);
    if (wait > 0) throw tooMany("Too many sign-ups from this address; try again later", wait);
  }

  /** Counts a write by `key` (`token:<id>`, `user:<id>`, `ip:<addr>`); 429 when over the limit. */
  write(key: string): void {
    const wait = this.writes.hit(key);
    if (wait > 0) throw tooMany("Too many write requests; slow down", wait);
  }
}

function tooMany(message: string, retryAfterSeconds: number): DetailedError {
  return new DetailedError("RateLimited", message, { retryAfterSeconds, apiCode: "rate_limit_exceeded" });
}
