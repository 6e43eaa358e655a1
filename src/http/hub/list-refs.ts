import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { RefTarget } from "../../services/revisions.js";
import { repoRefOf } from "../request-context.js";
import { queryFlag } from "./query.js";

/** `GET /api/{t}/<ns>/<name>/refs` as huggingface_hub's `list_repo_refs` reads it (hf-hub-protocol.md §4.4). */
interface ApiRefs {
  branches: RefTarget[];
  converts: RefTarget[];
  tags: RefTarget[];
  /** Only with `include_prs=1`. */
  pullRequests?: RefTarget[];
}

export function registerListRefs(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    app.get(`/api/${type}s/:namespace/:name/refs`, async (request): Promise<ApiRefs> => {
      const repo = await services.repos.findReadable(request.principal, repoRefOf(type, request.params));
      const refs = await services.revisions.listRefs(repo);
      const out: ApiRefs = { branches: refs.branches, converts: refs.converts, tags: refs.tags };
      if (queryFlag(request.query, "include_prs")) out.pullRequests = refs.pullRequests;
      return out;
    });
  }
}
