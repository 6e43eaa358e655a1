import type { FastifyInstance } from "fastify";
import { checkRepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { RepoService } from "../../services/repos.js";
import { baseUrlOf } from "../request-context.js";
import { type ApiRepoName, repoNameProperties, splitRepoName } from "./repo-id.js";

/** `POST /api/repos/create` body as huggingface_hub (0.x and 1.x) and @huggingface/hub send it. */
interface ApiCreateRepoRequest extends ApiRepoName {
  private?: boolean | null;
  visibility?: "public" | "private" | "protected" | null;
}

const schema = {
  body: {
    type: "object",
    required: ["name"],
    properties: {
      ...repoNameProperties,
      private: { type: ["boolean", "null"] },
      visibility: { type: ["string", "null"], enum: ["public", "private", "protected", null] },
    },
  },
} as const;

/** Creates a repo with an initial commit; 409 when it exists (huggingface_hub's `exist_ok` relies on it). */
export function registerCreateRepo(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/repos/create", { schema }, async (request) => {
    const body = request.body as ApiCreateRepoRequest;
    const { namespace, name } = splitRepoName(body.name, body.organization);
    const repo = await services.repos.create(request.principal, {
      type: checkRepoType(body.type),
      namespace,
      name,
      private: body.private === true || body.visibility === "private",
    });
    return { url: RepoService.url(baseUrlOf(request, publicUrl), repo), name: repo.id, id: String(repo.row.id) };
  });
}
