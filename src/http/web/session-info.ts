import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Services } from "../../services/index.js";

/** What the web app knows of its session (`GET /api/auth/session`, also the answer of sign-in and sign-up). */
export interface ApiSession {
  user: { name: string; fullname: string; isAdmin: boolean } | null;
  csrfToken: string | null;
  allowSignup: boolean;
}

export async function toApiSession(request: FastifyRequest, services: Services, csrfToken = request.csrfToken): Promise<ApiSession> {
  const p = request.principal;
  const signedIn = p.kind === "user" && p.via === "session";
  return {
    user: signedIn ? { name: p.name, fullname: p.fullname, isAdmin: p.isAdmin } : null,
    csrfToken: signedIn ? csrfToken : null,
    allowSignup: await services.sessions.signupOpen(),
  };
}

/**
 * `GET /api/auth/session`: who the session cookie signs in, its CSRF token,
 * and whether sign-up is open. Never an error: no cookie is `user: null`.
 */
export function registerSessionInfo(app: FastifyInstance, services: Services): void {
  app.get("/api/auth/session", async (request, reply): Promise<ApiSession> => {
    reply.header("Cache-Control", "no-store");
    return toApiSession(request, services);
  });
}
