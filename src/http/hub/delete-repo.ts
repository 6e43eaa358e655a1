import type { FastifyInstance } from "fastify";
import { checkRepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { splitRepoName } from "./repo-id.js";

interface ApiDeleteRepoRequest {
  name: string;
  organization?: string | null;
  type?: string | null;
}

const schema = {
  body: {
    type: "object",
    required: ["name"],
    properties: {
      name: { type: "string", maxLength: 300 },
      organization: { type: ["string", "null"], maxLength: 200 },
      type: { type: ["string", "null"] },
    },
  },
} as const;

/** Deletes a repo; a missing one is 404 `RepoNotFound` (`delete_repo(missing_ok=True)` relies on the code). */
export function registerDeleteRepo(app: FastifyInstance, services: Services): void {
  app.delete("/api/repos/delete", { schema }, async (request, reply) => {
    const body = request.body as ApiDeleteRepoRequest;
    const { namespace, name } = splitRepoName(body.name, body.organization);
    const owner = namespace ?? (request.principal.kind === "user" ? request.principal.name : "");
    await services.repos.delete(request.principal, { type: checkRepoType(body.type), namespace: owner, name });
    return reply.code(200).send();
  });
}
