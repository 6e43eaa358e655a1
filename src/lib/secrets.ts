import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A new access token: `hf_` and 34 base-62 characters (~200 bits), the shape HF clients accept. */
export function generateToken(): string {
  const bytes = randomBytes(34);
  let s = "hf_";
  // 248 = 4 * 62: rejection-free mapping would bias; drop bytes ≥ 248 instead.
  for (let i = 0; s.length < 37; i++) {
    const b = i < bytes.length ? bytes[i]! : randomBytes(1)[0]!;
    if (b < 248) s += base62[b % 62];
  }
  return s;
}

/** Tokens carry enough entropy that one sha256 is a safe stored form, and lookups stay indexed. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = scryptSync(password, Buffer.from(salt, "base64url"), expected.length, { N: 16384, r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}

/** HMAC signer for short-lived URLs (LFS transfers that clients make without credentials). */
export class UrlSigner {
  constructor(private readonly key: string) {}

  sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }

  /** Constant-time check of a signature over `payload`. */
  verify(payload: string, signature: unknown): boolean {
    if (typeof signature !== "string") return false;
    const expected = Buffer.from(this.sign(payload));
    const actual = Buffer.from(signature);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
