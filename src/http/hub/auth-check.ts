import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";

/**
 * `GET /api/{t}/<repo>/auth-check` and `…/auth-check/write` (hf-hub-protocol.md
 * §4.8, huggingface_hub `auth_check`): 200 when the caller may read the repo's
 * files (or write the repo); otherwise the error those operations give —
 * `RepoNotFound` for a repo the caller cannot see, `GatedRepo` for a gated one.
 */
export function registerAuthCheck(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    const base = `/api/${type}s/:namespace/:name/auth-check`;
    app.get(base, async (request) => {
      await services.repoSettings.authCheck(request.principal, repoRefOf(type, request.params), "read");
      return {};
    });
    app.get(`${base}/write`, async (request) => {
      await services.repoSettings.authCheck(request.principal, repoRefOf(type, request.params), "write");
      return {};
    });
  }
}
