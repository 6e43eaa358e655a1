import type { FastifyInstance, FastifyRequest } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { CommitInfo } from "../../lib/git/log.js";
import type { Services } from "../../services/index.js";
import { baseUrlOf, repoRefOf } from "../request-context.js";
import { queryInt, queryList } from "./query.js";
import { rawTailAfter, splitRevisionAndPath } from "./revision-path.js";

/**
 * A commit as huggingface_hub's `GitCommitInfo` and @huggingface/hub's
 * `listCommits` read it (hf-hub-protocol.md §4.5). `title` is the summary
 * line, `message` the rest (the Hub's commit description).
 */
interface ApiCommit {
  id: string;
  title: string;
  message: string;
  authors: { user: string }[];
  date: string;
  /** With `expand[]=formatted`: the same texts as HTML. */
  formatted?: { title: string; message: string };
}

const defaultPageSize = 50;
const maxPageSize = 1000;

/**
 * `GET /api/{t}/<ns>/<name>/commits/<rev>?limit=&p=`: history newest first,
 * `X-Total-Count` (read by `countCommits`) and an absolute `Link` to the next
 * page that names the resolved commit, so pages never mix two branch states.
 */
export function registerListCommits(app: FastifyInstance, services: Services, publicUrl: string): void {
  for (const type of repoTypes) {
    app.get(`/api/${type}s/:namespace/:name/commits/*`, async (request: FastifyRequest, reply) => {
      const params = request.params as { namespace: string; name: string };
      const split = splitRevisionAndPath(rawTailAfter(request.url, `/api/${type}s/${params.namespace}/${params.name}/commits/`));
      // JS sends a branch with slashes raw; the whole tail is the revision.
      const revision = split.path === "" ? split.revision : `${split.revision}/${split.path}`;
      const limit = queryInt(request.query, "limit", { min: 1, max: maxPageSize, fallback: defaultPageSize });
      const pageIndex = queryInt(request.query, "p", { min: 0, max: 10_000_000, fallback: 0 });
      const formatted = (queryList(request.query, "expand") ?? []).includes("formatted");

      const { repo, commit } = await services.files.openRevision(request.principal, repoRefOf(type, params), revision);
      const { commits, total } = await services.revisions.listCommits(repo, commit, { skip: pageIndex * limit, limit });

      reply.header("X-Total-Count", total);
      if ((pageIndex + 1) * limit < total) {
        const query = new URLSearchParams({ limit: String(limit), p: String(pageIndex + 1) });
        if (formatted) query.set("expand[]", "formatted");
        reply.header("Link", `<${baseUrlOf(request, publicUrl)}/api/${type}s/${repo.id}/commits/${commit}?${query}>; rel="next"`);
      }
      return commits.map((c) => toApiCommit(c, formatted));
    });
  }
}

function toApiCommit(c: CommitInfo, formatted: boolean): ApiCommit {
  // %B starts with the summary paragraph; what follows is the description.
  const blank = c.message.indexOf("\n\n");
  const message = blank < 0 ? "" : c.message.slice(blank + 2).trim();
  const out: ApiCommit = { id: c.oid, title: c.title, message, authors: [{ user: c.authorName }], date: c.date };
  if (formatted) out.formatted = { title: escapeHtml(c.title), message: escapeHtml(message) };
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
