import type { FastifyInstance } from "fastify";
import type { BaseModelRelation } from "../../lib/model-lineage.js";
import type { Services } from "../../services/index.js";
import type { ModelTree } from "../../services/model-tree.js";
import { repoRefOf } from "../request-context.js";
import { type ApiRepoSummary, toApiRepoSummary } from "./api-repo.js";
import { queryInt } from "./query.js";

/** The model tree in the shape the web app and API clients read (docs/compat/hf-api.md). */
interface ApiModelTree {
  id: string;
  baseModels: { id: string; relation: BaseModelRelation }[];
  ancestors: { id: string; relation: BaseModelRelation }[];
  derivatives: Record<BaseModelRelation, { count: number; models: ApiRepoSummary[] }>;
}

/**
 * `GET /api/models/<ns>/<name>/model-tree[?limit=n]`: the model's base models,
 * its ancestors (nearest first), and the models derived from it grouped by
 * relation (`finetune`, `adapter`, `quantized`, `merge`), each with the count
 * the caller may see and the first `limit` (default 50, at most 100) as
 * listing summaries. A repo the caller may not see is a 404, as everywhere.
 */
export function registerModelTree(app: FastifyInstance, services: Services): void {
  app.get("/api/models/:namespace/:name/model-tree", async (request) => {
    const limit = queryInt(request.query, "limit", { min: 1, max: 100, fallback: 50 });
    const tree = await services.modelTree.tree(request.principal, repoRefOf("model", request.params), { limit });
    return toApiModelTree(tree);
  });
}

function toApiModelTree(tree: ModelTree): ApiModelTree {
  const derivatives = Object.fromEntries(
    Object.entries(tree.derivatives).map(([relation, d]) => [relation, { count: d.count, models: d.models.map((m) => toApiRepoSummary(m)) }]),
  ) as ApiModelTree["derivatives"];
  return { id: tree.repo.id, baseModels: tree.baseModels, ancestors: tree.ancestors, derivatives };
}
