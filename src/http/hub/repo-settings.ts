import type { FastifyInstance } from "fastify";
import { invalid } from "../../lib/domain-error.js";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";

/**
 * `PUT /api/{t}/<repo>/settings` body (hf-hub-protocol.md §5.1, §10):
 * huggingface_hub sends `private` and/or `gated` (false, "auto", "manual"),
 * newer clients `visibility`. `xetEnabled: false` is accepted as the no-op it
 * is; Xet storage is never offered.
 */
interface ApiRepoSettingsRequest {
  private?: boolean;
  visibility?: "public" | "private";
  gated?: false | "auto" | "manual";
  xetEnabled?: false;
}

const schema = {
  body: {
    type: "object",
    properties: {
      private: { type: "boolean" },
      visibility: { type: "string", enum: ["public", "private"] },
      gated: { anyOf: [{ type: "boolean", const: false }, { type: "string", enum: ["auto", "manual"] }] },
      xetEnabled: { type: "boolean", const: false },
    },
  },
} as const;

export function registerRepoSettings(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    app.put(`/api/${type}s/:namespace/:name/settings`, { schema }, async (request) => {
      const body = (request.body ?? {}) as ApiRepoSettingsRequest;
      if (body.private === undefined && body.visibility === undefined && body.gated === undefined && body.xetEnabled === undefined) {
        throw invalid("give at least one of 'private', 'visibility' or 'gated'");
      }
      const fromVisibility = body.visibility === undefined ? undefined : body.visibility === "private";
      if (body.private !== undefined && fromVisibility !== undefined && body.private !== fromVisibility) {
        throw invalid("'private' and 'visibility' disagree");
      }
      const repo = await services.repoSettings.update(request.principal, repoRefOf(type, request.params), {
        private: body.private ?? fromVisibility,
        gated: body.gated,
      });
      const gated = repo.row.gated === "auto" || repo.row.gated === "manual" ? repo.row.gated : false;
      return { private: repo.row.private === 1, gated };
    });
  }
}
