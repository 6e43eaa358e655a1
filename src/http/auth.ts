import type { FastifyInstance } from "fastify";
import type { AccountService } from "../services/accounts.js";
import { anonymous, type Principal } from "../services/principal.js";
import { DomainError } from "../lib/domain-error.js";
import type { AbuseLimits } from "../services/abuse-limits.js";
import type { SessionService } from "../services/sessions.js";
import { sessionPrincipal } from "./web/session-cookie.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * Resolves the caller from `Authorization`: `Bearer <token>` (HF clients) or
 * Basic with the token as the password and any user name (git, git-lfs).
 * No header means the web app's session cookie (`modelport_session`), else
 * anonymous; a header with a bad token is refused.
 */
export function registerAuth(app: FastifyInstance, accounts: AccountService, limits?: AbuseLimits, sessions?: SessionService): void {
  // Fastify forbids shared object defaults; every request sets its own in the hook below.
  app.decorateRequest("principal", null as never);
  app.decorateRequest("csrfToken", null);
  app.addHook("onRequest", async (request) => {
    const token = tokenFrom(request.headers.authorization);
    // Without Authorization, the web app's session cookie (CSRF-checked); a header always wins over the cookie.
    const session = token === undefined && sessions ? await sessionPrincipal(request, sessions) : undefined;
    request.principal = token === undefined ? (session ?? anonymous) : await authenticate(request.ip, token);
  });

  /**
   * Token guessing is rate limited per client IP: once an IP has sent too
   * many bad tokens it gets 429 with `Retry-After`, even with a good token,
   * until its allowance refills (the token is not even looked up).
   */
  async function authenticate(ip: string, token: string): Promise<Principal> {
    limits?.checkAuth(ip);
    try {
      return await accounts.authenticateToken(token);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "Unauthenticated") limits?.authFailed(ip);
      throw err;
    }
  }
}

function tokenFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ""] = header.trim().split(/\s+/, 2);
  switch (scheme?.toLowerCase()) {
    case "bearer":
      return value;
    case "basic": {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon < 0 ? decoded : decoded.slice(colon + 1);
    }
    default:
      throw new DomainError("Unauthenticated", "Invalid credentials in Authorization header");
  }
}
