import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import type { Principal } from "../../services/principal.js";
import type { SessionService } from "../../services/sessions.js";

/** The web session cookie (docs/architecture.md, "Web app"). */
export const sessionCookie = "modelport_session";

declare module "fastify" {
  interface FastifyRequest {
    /** The web session's CSRF token when the caller is signed in by cookie; null otherwise. */
    csrfToken: string | null;
  }
}

/** One cookie's value from a `Cookie` header (RFC 6265 §5.4), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** Sets (or with `value` null, clears) the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https. */
export function setSessionCookie(reply: FastifyReply, value: string | null, opts: { secure: boolean; expiresAt?: string }): void {
  const attributes = ["Path=/", "HttpOnly", "SameSite=Lax"];
  if (opts.secure) attributes.push("Secure");
  if (value === null) attributes.push("Max-Age=0");
  else if (opts.expiresAt) attributes.push(`Expires=${new Date(opts.expiresAt).toUTCString()}`);
  reply.header("Set-Cookie", `${sessionCookie}=${value ?? ""}; ${attributes.join("; ")}`);
}

/** Whether cookies must carry `Secure`: the hub is reached over https. */
export function secureCookies(request: FastifyRequest, publicUrl: string): boolean {
  return publicUrl ? publicUrl.startsWith("https:") : request.protocol === "https";
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The principal of a request without `Authorization`: the web session its
 * cookie names, or anonymous. A mutating request signed in this way must echo
 * the session's CSRF token in `X-CSRF-Token` (a page on another site can make
 * the browser send the cookie, never read the token); without it, 403.
 */
export async function sessionPrincipal(request: FastifyRequest, sessions: SessionService): Promise<Principal | undefined> {
  const id = readCookie(request.headers.cookie, sessionCookie);
  if (!id) return undefined;
  const session = await sessions.resolve(id);
  if (!session) return undefined;
  if (!safeMethods.has(request.method) && !sameSecret(request.headers["x-csrf-token"], session.csrfToken)) {
    throw new DomainError("PermissionDenied", "Missing or wrong X-CSRF-Token header: requests signed in with the session cookie must send the session's CSRF token");
  }
  request.csrfToken = session.csrfToken;
  return session.principal;
}

/** Compares a presented secret with the expected one in time that does not depend on where they differ. */
function sameSecret(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== "string") return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
