import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { secureCookies, setSessionCookie } from "./session-cookie.js";
import type { ApiSession } from "./session-info.js";

const schema = {
  body: {
    type: "object",
    required: ["username", "password"],
    properties: {
      username: { type: "string", maxLength: 96 },
      password: { type: "string", maxLength: 1024 },
      email: { type: ["string", "null"], maxLength: 254 },
      fullname: { type: ["string", "null"], maxLength: 200 },
    },
  },
} as const;

/**
 * `POST /api/auth/signup {username, password, email?, fullname?}`: creates an
 * account and signs it in (sets the session cookie). 403 when sign-up is
 * closed (`MODELPORT_ALLOW_SIGNUP`), 409 when the name is taken.
 */
export function registerSignUp(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/auth/signup", { schema }, async (request, reply): Promise<ApiSession> => {
    const body = request.body as { username: string; password: string; email?: string | null; fullname?: string | null };
    const session = await services.sessions.signUp(body, request.ip);
    setSessionCookie(reply, session.sessionId, { secure: secureCookies(request, publicUrl), expiresAt: session.expiresAt });
    const { principal: user } = session;
    return { user: { name: user.name, fullname: user.fullname, isAdmin: user.isAdmin }, csrfToken: session.csrfToken, allowSignup: await services.sessions.signupOpen() };
  });
}
