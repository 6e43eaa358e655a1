import type { FastifyInstance, FastifyRequest } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { LastCommit, RepoEntry } from "../../services/repo-files.js";
import { baseUrlOf, repoRefOf } from "../request-context.js";
import { queryFlag, queryInt, queryString } from "./query.js";
import { rawTailAfter, splitRevisionAndPath } from "./revision-path.js";

/**
 * A tree or paths-info entry as the Hub sends it (hf-hub-protocol.md §4.2):
 * huggingface_hub builds `RepoFile` for `"file"` (needs `size`, `oid`) and
 * `RepoFolder` otherwise. Never a `xetHash`: it would take new Python clients
 * off plain HTTP. `securityFileStatus` is not reported (no scanner here);
 * both clients treat it as optional.
 */
export interface ApiTreeEntry {
  type: "file" | "directory";
  /** Git blob id (of the pointer, for LFS files) or tree id. */
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
  /** With `expand`. */
  lastCommit?: { id: string; title: string; date: string };
}

export function toApiTreeEntry(e: RepoEntry, lastCommit?: LastCommit): ApiTreeEntry {
  const out: ApiTreeEntry = { type: e.type, oid: e.oid, size: e.size, path: e.path };
  if (e.type === "file" && e.lfs) out.lfs = { oid: e.lfs.oid, size: e.lfs.size, pointerSize: e.lfs.pointerSize };
  if (lastCommit) out.lastCommit = { id: lastCommit.id, title: lastCommit.title, date: lastCommit.date };
  return out;
}

/** Page sizes of huggingface.co: 1000 entries, 50 with `expand` (each needs a history look-up). */
const pageSize = 1000;
const expandedPageSize = 50;

/**
 * `GET /api/{t}/<ns>/<name>/tree/<rev>[/<path>]?recursive=&expand=`: a
 * folder's entries, paginated with an absolute `Link: <…>; rel="next"` whose
 * URL names the resolved commit, so the pages of one listing never mix two
 * states of a branch. A missing folder is 404 `EntryNotFound` (transformers
 * probes `additional_chat_templates` and reads the 404 as "none").
 */
export function registerListTree(app: FastifyInstance, services: Services, publicUrl: string): void {
  for (const type of repoTypes) {
    app.get(`/api/${type}s/:namespace/:name/tree/*`, async (request: FastifyRequest, reply) => {
      const params = request.params as { namespace: string; name: string };
      const { revision, path } = splitRevisionAndPath(rawTailAfter(request.url, `/api/${type}s/${params.namespace}/${params.name}/tree/`));
      const recursive = queryFlag(request.query, "recursive") ?? false;
      const expand = queryFlag(request.query, "expand") ?? false;
      const maxPage = expand ? expandedPageSize : pageSize;
      const limit = queryInt(request.query, "limit", { min: 1, max: maxPage, fallback: maxPage });
      const cursor = queryString(request.query, "cursor");

      const { repo, commit } = await services.files.openRevision(request.principal, repoRefOf(type, params), revision);
      const page = await services.files.listTree(repo, commit, path, { recursive, limit, cursor });
      const last = expand ? await services.files.lastCommits(repo, commit, page.entries.map((e) => e.path)) : undefined;

      if (page.nextCursor) {
        const folder = path === "" ? "" : `/${path.split("/").map(encodeURIComponent).join("/")}`;
        const query = new URLSearchParams({ recursive: String(recursive), expand: String(expand) });
        if (limit !== maxPage) query.set("limit", String(limit));
        query.set("cursor", page.nextCursor);
        const next = `${baseUrlOf(request, publicUrl)}/api/${type}s/${repo.id}/tree/${commit}${folder}?${query}`;
        reply.header("Link", `<${next}>; rel="next"`);
      }
      return page.entries.map((e) => toApiTreeEntry(e, last?.get(e.path)));
    });
  }
}
