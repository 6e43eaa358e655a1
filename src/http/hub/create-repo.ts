import type { FastifyInstance } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { DetailedError } from "../../lib/error-details.js";
import { checkRepoType, repoUrlPrefix } from "../../lib/repo-names.js";
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

/** Creates a repo with an initial commit; 409 with the repo's `url` when it exists (huggingface_hub's `exist_ok` relies on both). */
export function registerCreateRepo(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.post("/api/repos/create", { schema }, async (request) => {
    const body = request.body as ApiCreateRepoRequest;
    const { namespace, name } = splitRepoName(body.name, body.organization);
    const type = checkRepoType(body.type);
    const baseUrl = baseUrlOf(request, publicUrl);
    const repo = await services.repos
      .create(request.principal, { type, namespace, name, private: body.private === true || body.visibility === "private" })
      .catch((err: unknown) => {
        // huggingface_hub's `create_repo(exist_ok=True)` reads the existing repo's address from the 409.
        if (err instanceof DomainError && err.kind === "AlreadyExists") {
          throw new DetailedError("AlreadyExists", err.message, { url: `${baseUrl}/${repoUrlPrefix[type]}${namespace}/${name}` });
        }
        throw err;
      });
    return { url: RepoService.url(baseUrl, repo), name: repo.id, id: String(repo.row.id) };
  });
}
