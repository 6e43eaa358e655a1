import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { readCookie, secureCookies, sessionCookie, setSessionCookie } from "./session-cookie.js";
import type { ApiSession } from "./session-info.js";

const schema = {
  body: {
    type: "object",
    required: ["username", "password"],
    properties: {
      username: { type: "string", maxLength: 200 },
      password: { type: "string", maxLength: 1024 },
    },
  },
} as const;

/**
 * `POST /api/auth/login {username, password}`: signs in with a password and
 * sets the session cookie. A wrong name or password is one 401 message
 * either way; repeated failures per IP and per account get 429 (`Retry-After`).
 * A session the browser already had is ended first.
 */
export function registerSignIn(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/auth/login", { schema }, async (request, reply): Promise<ApiSession> => {
    const body = request.body as { username: string; password: string };
    const session = await services.sessions.signIn(body, request.ip);
    const previous = readCookie(request.headers.cookie, sessionCookie);
    if (previous) await services.sessions.signOut(previous);
    setSessionCookie(reply, session.sessionId, { secure: secureCookies(request, publicUrl), expiresAt: session.expiresAt });
    const { principal: user } = session;
    return { user: { name: user.name, fullname: user.fullname, isAdmin: user.isAdmin }, csrfToken: session.csrfToken, allowSignup: await services.sessions.signupOpen() };
  });
}
