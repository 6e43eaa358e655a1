import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";
import { revisionAfter } from "./write-revision.js";

/** `POST /api/{t}/{repo}/tag/{rev}` body as huggingface_hub's `create_tag` sends it. */
interface ApiCreateTagRequest {
  tag: string;
  /** Makes an annotated tag. */
  message?: string | null;
}

const createSchema = {
  body: {
    type: "object",
    required: ["tag"],
    properties: {
      tag: { type: "string", maxLength: 255 },
      message: { type: ["string", "null"], maxLength: 65536 },
    },
  },
} as const;

/**
 * `POST …/tag/<rev>` tags the commit `<rev>` names (409 when the tag exists);
 * `DELETE …/tag/<tag>` removes a tag (hf-hub-protocol.md §5.7).
 */
export function registerTags(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    const prefix = (p: { namespace: string; name: string }) => `/api/${type}s/${p.namespace}/${p.name}/tag/`;

    app.post(`/api/${type}s/:namespace/:name/tag/*`, { schema: createSchema }, async (request) => {
      const params = request.params as { namespace: string; name: string };
      const body = request.body as ApiCreateTagRequest;
      await services.branches.createTag(
        request.principal,
        repoRefOf(type, params),
        revisionAfter(request, prefix(params)),
        body.tag,
        body.message ?? undefined,
      );
      return {};
    });

    app.delete(`/api/${type}s/:namespace/:name/tag/*`, async (request) => {
      const params = request.params as { namespace: string; name: string };
      await services.branches.deleteTag(request.principal, repoRefOf(type, params), revisionAfter(request, prefix(params)));
      return {};
    });
  }
}
