import type { FastifyInstance } from "fastify";
import type { OrgRole, TokenRole, TokenScope } from "../../services/principal.js";
import { whoAmI } from "../../services/whoami.js";

/**
 * `GET /api/whoami-v2` as the Hub answers it (hf-hub-protocol.md §4.7):
 * @huggingface/hub's `whoAmI` dereferences `auth.accessToken.createdAt`, and
 * huggingface_hub's login reads `auth.accessToken.role` and `displayName` and
 * joins `orgs[].name`. Organizations carry `roleInOrg`; a fine-grained token
 * is described under `accessToken.fineGrained` (`scoped[]` with each entity
 * and its permissions, and `canReadGatedRepos`: whether it also reads the
 * public gated repos its user was accepted to), an expiring one has
 * `auth.expiresAt`.
 */
interface ApiWhoAmIOrg {
  type: "org";
  id: string;
  name: string;
  fullname: string;
  email: null;
  canPay: boolean;
  avatarUrl: string;
  periodEnd: null;
  isEnterprise: boolean;
  roleInOrg: OrgRole;
}

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
  orgs: ApiWhoAmIOrg[];
  auth: {
    type: "access_token";
    accessToken: {
      displayName: string;
      role: TokenRole;
      createdAt: string;
      fineGrained?: { canReadGatedRepos: boolean; global: string[]; scoped: TokenScope[] };
    };
    expiresAt?: string;
  };
}

export function registerWhoAmI(app: FastifyInstance): void {
  app.get("/api/whoami-v2", async (request): Promise<ApiWhoAmIUser> => {
    const user = whoAmI(request.principal);
    const { token } = user;
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
      orgs: user.orgs.map((o) => ({
        type: "org",
        id: String(o.id),
        name: o.name,
        fullname: o.fullname,
        email: null,
        canPay: false,
        avatarUrl: "",
        periodEnd: null,
        isEnterprise: false,
        roleInOrg: o.role,
      })),
      auth: {
        type: "access_token",
        accessToken: {
          displayName: token.name,
          role: token.role,
          createdAt: token.createdAt,
          ...(token.role === "fineGrained"
            ? { fineGrained: { canReadGatedRepos: token.canReadGatedRepos ?? false, global: [], scoped: token.scoped ?? [] } }
            : {}),
        },
        ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
      },
    };
  });
}
