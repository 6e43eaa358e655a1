import type { FastifyInstance } from "fastify";
import type { AccountService } from "../services/accounts.js";
import { anonymous, type Principal } from "../services/principal.js";
import { DomainError } from "../lib/domain-error.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * Resolves the caller from `Authorization`: `Bearer <token>` (HF clients) or
 * Basic with the token as the password and any user name (git, git-lfs).
 * No header means anonymous; a header with a bad token is refused.
 */
export function registerAuth(app: FastifyInstance, accounts: AccountService): void {
  // Fastify forbids shared object defaults; every request sets its own in the hook below.
  app.decorateRequest("principal", null as never);
  app.addHook("onRequest", async (request) => {
    const token = tokenFrom(request.headers.authorization);
    request.principal = token === undefined ? anonymous : await accounts.authenticateToken(token);
  });
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
