import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";
import { revisionAfter } from "./write-revision.js";

/** `POST /api/{t}/{repo}/branch/{branch}` body: huggingface_hub `create_branch`, @huggingface/hub `createBranch`. */
interface ApiCreateBranchRequest {
  /** Revision the branch starts from; the default branch when absent. */
  startingPoint?: string | null;
  /** @huggingface/hub `empty: true`: a branch on a new commit with no files. */
  emptyBranch?: boolean | null;
  /** Move the branch when it exists instead of answering 409. */
  overwrite?: boolean | null;
}

const createSchema = {
  body: {
    type: ["object", "null"],
    properties: {
      startingPoint: { type: ["string", "null"], maxLength: 1000 },
      emptyBranch: { type: ["boolean", "null"] },
      overwrite: { type: ["boolean", "null"] },
    },
  },
} as const;

/** Creates (409 when it exists) and deletes branches (hf-hub-protocol.md §5.7). */
export function registerBranches(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    const prefix = (p: { namespace: string; name: string }) => `/api/${type}s/${p.namespace}/${p.name}/branch/`;

    app.post(`/api/${type}s/:namespace/:name/branch/*`, { schema: createSchema }, async (request) => {
      const params = request.params as { namespace: string; name: string };
      const body = (request.body ?? {}) as ApiCreateBranchRequest;
      await services.branches.createBranch(request.principal, repoRefOf(type, params), revisionAfter(request, prefix(params)), {
        startingPoint: body.startingPoint ?? undefined,
        emptyBranch: body.emptyBranch === true,
        overwrite: body.overwrite === true,
      });
      return {};
    });

    app.delete(`/api/${type}s/:namespace/:name/branch/*`, async (request) => {
      const params = request.params as { namespace: string; name: string };
      await services.branches.deleteBranch(request.principal, repoRefOf(type, params), revisionAfter(request, prefix(params)));
      return {};
    });
  }
}
