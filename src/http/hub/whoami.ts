import type { FastifyInstance } from "fastify";
import { whoAmI } from "../../services/whoami.js";

/**
 * `GET /api/whoami-v2` as the Hub answers it (hf-hub-protocol.md §4.7):
 * @huggingface/hub's `whoAmI` dereferences `auth.accessToken.createdAt`, and
 * huggingface_hub's login reads `auth.accessToken.role` and `displayName` and
 * joins `orgs[].name`.
 */
interface ApiWhoAmIUser {
  type: "user";
  id: string;
  name: string;
  fullname: string;
  email: string;
  emailVerified: boolean;
  isPro: boolean;
  canPay: boolean;
  periodEnd: null;
  orgs: { type: "org"; id: string; name: string; fullname: string }[];
  auth: {
    type: "access_token";
    accessToken: { displayName: string; role: "read" | "write"; createdAt: string };
  };
}

export function registerWhoAmI(app: FastifyInstance): void {
  app.get("/api/whoami-v2", async (request): Promise<ApiWhoAmIUser> => {
    const user = whoAmI(request.principal);
    return {
      type: "user",
      id: String(user.userId),
      name: user.name,
      fullname: user.fullname,
      // The Hub always has an address; ours may have none, which clients read as an empty string.
      email: user.email ?? "",
      emailVerified: false,
      isPro: false,
      canPay: false,
      periodEnd: null,
      orgs: [],
      auth: {
        type: "access_token",
        accessToken: { displayName: user.token.name, role: user.token.role, createdAt: user.token.createdAt },
      },
    };
  });
}
