import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { PreuploadDecision } from "../../services/preupload.js";
import { repoRefOf } from "../request-context.js";
import { revisionAfter } from "./write-revision.js";

/** `POST /api/{t}/{repo}/preupload/{rev}` as huggingface_hub (`_fetch_upload_modes`) and @huggingface/hub (`commit`) send it. */
interface ApiPreuploadRequest {
  files: { path: string; size: number; sample?: string }[];
  /** huggingface_hub: the `.gitignore` of the upload, if any. */
  gitIgnore?: string | null;
  /** @huggingface/hub: the `.gitattributes` of the commit, if it has one. */
  gitAttributes?: string | null;
}

interface ApiPreuploadResponse {
  /** `shouldIgnore` is read with `[]` by huggingface_hub: always present. */
  files: { path: string; uploadMode: "lfs" | "regular"; shouldIgnore: boolean; oid?: string }[];
}

const schema = {
  body: {
    type: "object",
    required: ["files"],
    properties: {
      files: {
        type: "array",
        items: {
          type: "object",
          required: ["path", "size"],
          properties: {
            path: { type: "string", maxLength: 4096 },
            size: { type: "integer", minimum: 0 },
            sample: { type: "string", maxLength: 4096 },
          },
        },
      },
      gitIgnore: { type: ["string", "null"] },
      gitAttributes: { type: ["string", "null"] },
    },
  },
} as const;

/** Decides, per file, regular (inline in the commit) or LFS upload (hf-hub-protocol.md §5.4). */
export function registerPreupload(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    app.post(
      `/api/${type}s/:namespace/:name/preupload/*`,
      { schema, bodyLimit: 16 << 20 },
      async (request): Promise<ApiPreuploadResponse> => {
        const params = request.params as { namespace: string; name: string };
        const revision = revisionAfter(request, `/api/${type}s/${params.namespace}/${params.name}/preupload/`);
        const body = request.body as ApiPreuploadRequest;
        const files = await services.preupload.preupload(request.principal, repoRefOf(type, params), revision, {
          files: body.files.map((f) => ({ path: f.path, size: f.size, sample: Buffer.from(f.sample ?? "", "base64").subarray(0, 512) })),
          gitAttributes: body.gitAttributes ?? undefined,
          gitIgnore: body.gitIgnore ?? undefined,
        });
        return { files: files.map(toApiDecision) };
      },
    );
  }
}

function toApiDecision(d: PreuploadDecision): ApiPreuploadResponse["files"][number] {
  return { path: d.path, uploadMode: d.uploadMode, shouldIgnore: d.shouldIgnore, ...(d.oid ? { oid: d.oid } : {}) };
}
