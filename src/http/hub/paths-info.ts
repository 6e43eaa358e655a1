import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";
import { toApiTreeEntry } from "./list-tree.js";
import { queryList } from "./query.js";
import { rawTailAfter, splitRevisionAndPath } from "./revision-path.js";

/** Most paths one request may ask about. */
const maxPaths = 10_000;

/**
 * `POST /api/{t}/<ns>/<name>/paths-info/<rev>` (hf-hub-protocol.md §4.3):
 * tree entries for the given paths that exist; missing ones are left out.
 * huggingface_hub posts a form (`paths=a&paths=b&expand=false`),
 * @huggingface/hub JSON (`{"paths": [...], "expand": bool}`).
 */
export async function registerPathsInfo(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    // Only this route reads forms; the parser stays inside this scope.
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 16 << 20 }, (_req, body, done) => {
      const form = new URLSearchParams(body as string);
      done(null, Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k)])));
    });
    for (const type of repoTypes) {
      scope.post(`/api/${type}s/:namespace/:name/paths-info/*`, { bodyLimit: 16 << 20 }, async (request: FastifyRequest) => {
        const params = request.params as { namespace: string; name: string };
        const tail = rawTailAfter(request.url, `/api/${type}s/${params.namespace}/${params.name}/paths-info/`);
        const { revision, path } = splitRevisionAndPath(tail);
        const { paths, expand } = parseBody(request.body);
        const { repo, commit } = await services.files.openRevision(request.principal, repoRefOf(type, params), path === "" ? revision : `${revision}/${path}`);
        const entries = await services.files.pathsInfo(repo, commit, paths);
        const last = expand ? await services.files.lastCommits(repo, commit, entries.map((e) => e.path)) : undefined;
        return entries.map((e) => toApiTreeEntry(e, last?.get(e.path)));
      });
    }
  });
}

function parseBody(body: unknown): { paths: string[]; expand: boolean } {
  if (typeof body !== "object" || body === null) throw new DomainError("InvalidArgument", "send 'paths' as JSON or as a form");
  const paths = queryList(body, "paths") ?? [];
  if (paths.length > maxPaths || !paths.every((p) => typeof p === "string")) {
    throw new DomainError("InvalidArgument", `'paths' must be a list of at most ${maxPaths} strings`);
  }
  const e = (body as { expand?: unknown }).expand;
  const last = Array.isArray(e) ? e[e.length - 1] : e;
  const expand = last === true || (typeof last === "string" && /^(true|1)$/i.test(last));
  return { paths, expand };
}
