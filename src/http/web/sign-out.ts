import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { readCookie, secureCookies, sessionCookie, setSessionCookie } from "./session-cookie.js";

/**
 * `POST /api/auth/logout`: ends the cookie's session (the row is deleted, so
 * a copied cookie stops working too) and clears the cookie. Like every
 * mutating request signed in by cookie it needs `X-CSRF-Token`, so another
 * site cannot sign the user out.
 */
export function registerSignOut(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/auth/logout", async (request, reply) => {
    const id = readCookie(request.headers.cookie, sessionCookie);
    if (id) await services.sessions.signOut(id);
    setSessionCookie(reply, null, { secure: secureCookies(request, publicUrl) });
    return {};
  });
}
