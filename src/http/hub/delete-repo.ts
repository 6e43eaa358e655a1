import type { FastifyInstance } from "fastify";
import { checkRepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { type ApiRepoName, repoNameProperties, splitRepoName } from "./repo-id.js";

const schema = { body: { type: "object", required: ["name"], properties: repoNameProperties } } as const;

/** Deletes a repo; a missing one is 404 `RepoNotFound` (`delete_repo(missing_ok=True)` relies on the code). */
export function registerDeleteRepo(app: FastifyInstance, services: Services): void {
  app.delete("/api/repos/delete", { schema }, async (request, reply) => {
    const body = request.body as ApiRepoName;
    const { namespace, name } = splitRepoName(body.name, body.organization);
    const owner = namespace ?? (request.principal.kind === "user" ? request.principal.name : "");
    await services.repos.delete(request.principal, { type: checkRepoType(body.type), namespace: owner, name });
    return reply.code(200).send();
  });
}
