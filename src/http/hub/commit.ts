import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { baseUrlOf, repoRefOf } from "../request-context.js";
import { queryFlag } from "./query.js";
import { revisionAfter } from "./write-revision.js";

/** The answer huggingface_hub (`create_commit`) and @huggingface/hub (`commit`) read. */
interface ApiCommitResponse {
  success: true;
  commitOid: string;
  /** huggingface_hub derives the repo from this URL (split on `/commit/`): it must have exactly this shape. */
  commitUrl: string;
  /** `…/discussions/<n>` with `create_pr=1`; huggingface_hub derives `refs/pr/<n>` from it. */
  pullRequestUrl: string | null;
  hookOutput: null;
}

/**
 * `POST /api/{t}/{repo}/commit/{rev}[?create_pr=1]` (hf-hub-protocol.md §5.6).
 * The NDJSON body is streamed to the service, never buffered whole; the scope
 * this is registered in must hand `application/x-ndjson` bodies through as streams.
 */
export function registerCommit(app: FastifyInstance, services: Services, publicUrl: string): void {
  for (const type of repoTypes) {
    app.post(`/api/${type}s/:namespace/:name/commit/*`, async (request): Promise<ApiCommitResponse> => {
      const params = request.params as { namespace: string; name: string };
      const revision = revisionAfter(request, `/api/${type}s/${params.namespace}/${params.name}/commit/`);
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Partial<Readable>)[Symbol.asyncIterator] !== "function") {
        throw new DomainError("InvalidArgument", "a commit body must be NDJSON (Content-Type: application/x-ndjson)");
      }
      const result = await services.commits.commit(request.principal, repoRefOf(type, params), revision, body, {
        createPr: queryFlag(request.query, "create_pr") === true,
        baseUrl: baseUrlOf(request, publicUrl),
      });
      return { success: true, ...result, hookOutput: null };
    });
  }
}
