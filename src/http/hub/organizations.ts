import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";

const orgParams = { type: "object", properties: { org: { type: "string", maxLength: 96 } } } as const;
const memberParams = { type: "object", properties: { org: { type: "string", maxLength: 96 }, user: { type: "string", maxLength: 96 } } } as const;

/**
 * Organizations: create one (the creator becomes its admin),
 * its overview and members (public, as on the Hub), and member management by
 * its admins — direct adds, `PUT …/members/:user/role` as the Hub spells it,
 * removal (a member may also leave). Plus a user's overview page.
 */
export function registerOrganizations(app: FastifyInstance, services: Services): void {
  app.post(
    "/api/organizations",
    { schema: { body: { type: "object", required: ["name"], properties: { name: { type: "string" }, fullname: { type: ["string", "null"] } } } } },
    async (request) => {
      const body = request.body as { name: string; fullname?: string | null };
      return { type: "org", ...(await services.orgs.create(request.principal, body, request.ip)) };
    },
  );

  app.get("/api/organizations/:org/overview", { schema: { params: orgParams } }, async (request) => {
    const o = await services.orgs.overview((request.params as { org: string }).org);
    // The Hub's field names (huggingface_hub `Organization`): `name`, `fullname`, `numUsers`, `numModels`…
    return { type: "org", avatarUrl: "", details: null, isVerified: false, isFollowing: false, numFollowers: 0, numPapers: 0, ...o };
  });

  app.get("/api/organizations/:org/members", { schema: { params: orgParams } }, async (request) => {
    const members = await services.orgs.members((request.params as { org: string }).org);
    return members.map((m) => ({ ...m, type: "user", avatarUrl: "", isPro: false }));
  });

  app.post(
    "/api/organizations/:org/members",
    { schema: { params: orgParams, body: { type: "object", required: ["user", "role"], properties: { user: { type: "string" }, role: { type: "string" } } } } },
    async (request) => {
      const body = request.body as { user: string; role: string };
      return services.orgs.addMember(request.principal, (request.params as { org: string }).org, body, request.ip);
    },
  );

  app.put(
    "/api/organizations/:org/members/:user/role",
    { schema: { params: memberParams, body: { type: "object", required: ["role"], properties: { role: { type: "string" } } } } },
    async (request) => {
      const { org, user } = request.params as { org: string; user: string };
      return services.orgs.setRole(request.principal, org, user, (request.body as { role: string }).role, request.ip);
    },
  );

  app.delete("/api/organizations/:org/members/:user", { schema: { params: memberParams } }, async (request) => {
    const { org, user } = request.params as { org: string; user: string };
    await services.orgs.removeMember(request.principal, org, user, request.ip);
    return {};
  });

  app.get("/api/users/:user/overview", { schema: { params: { type: "object", properties: { user: { type: "string", maxLength: 96 } } } } }, async (request) => {
    const u = await services.orgs.userOverview((request.params as { user: string }).user);
    // huggingface_hub `User` reads the name from `user`.
    return {
      type: "user",
      user: u.name,
      fullname: u.fullname,
      avatarUrl: "",
      isPro: false,
      createdAt: u.createdAt,
      numModels: u.numModels,
      numDatasets: u.numDatasets,
      numSpaces: u.numSpaces,
      orgs: u.orgs.map((o) => ({ type: "org", name: o.name, fullname: o.fullname, avatarUrl: "" })),
    };
  });
}
