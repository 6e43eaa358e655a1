import type { FastifyInstance } from "fastify";
import { invalid } from "../../lib/domain-error.js";
import { checkRepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { RepoService } from "../../services/repos.js";
import { baseUrlOf } from "../request-context.js";

/** `POST /api/repos/move` body (huggingface_hub `move_repo`, hf-hub-protocol.md §5.1). */
interface ApiMoveRepoRequest {
  fromRepo: string;
  toRepo: string;
  type?: string | null;
}

const schema = {
  body: {
    type: "object",
    required: ["fromRepo", "toRepo"],
    properties: {
      fromRepo: { type: "string", maxLength: 300 },
      toRepo: { type: "string", maxLength: 300 },
      type: { type: ["string", "null"] },
    },
  },
} as const;

/**
 * Renames a repo, possibly into another namespace the caller owns: 404
 * `RepoNotFound` for a source the caller cannot see, 403 without write access
 * or for a foreign namespace, 409 when the destination exists.
 */
export function registerMoveRepo(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/repos/move", { schema }, async (request) => {
    const body = request.body as ApiMoveRepoRequest;
    const repo = await services.repoSettings.move(request.principal, checkRepoType(body.type), splitId(body.fromRepo, "fromRepo"), splitId(body.toRepo, "toRepo"));
    return { url: RepoService.url(baseUrlOf(request, publicUrl), repo), name: repo.id };
  });
}

/** `namespace/name`, both parts present; the service checks the names themselves. */
function splitId(id: string, field: string): { namespace: string; name: string } {
  const parts = id.split("/");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid(`${field} must be 'namespace/name'`);
  return { namespace: parts[0], name: parts[1] };
}
