import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";

/** `POST /api/settings/tokens` body (docs/compat/hf-api.md, "Tokens"): role "read", "write" or "fineGrained" with `scoped`. */
interface ApiCreateTokenRequest {
  name: string;
  role: string;
  expiresAt?: string | null;
  scoped?: unknown[];
}

const createSchema = {
  body: {
    type: "object",
    required: ["name", "role"],
    properties: {
      name: { type: "string" },
      role: { type: "string" },
      expiresAt: { type: ["string", "null"] },
      scoped: { type: "array", maxItems: 100 },
    },
  },
} as const;

const idParams = { params: { type: "object", properties: { id: { type: "string", pattern: "^[0-9]{1,15}$" } } } } as const;

/**
 * The caller's access tokens (the settings page uses these): list, create
 * (the secret is in this answer only), revoke (the next request with the
 * token is refused). A web session or a write token may use them.
 */
export function registerTokens(app: FastifyInstance, services: Services): void {
  app.get("/api/settings/tokens", async (request) => services.accounts.listTokensOf(request.principal));

  app.post("/api/settings/tokens", { schema: createSchema }, async (request) => {
    const body = request.body as ApiCreateTokenRequest;
    const { token, info } = await services.accounts.createTokenFor(request.principal, body, request.ip);
    return { ...info, token };
  });

  app.delete("/api/settings/tokens/:id", { schema: idParams }, async (request) => {
    await services.accounts.revokeToken(request.principal, Number((request.params as { id: string }).id), request.ip);
    return {};
  });
}
