import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError, invalid } from "../../lib/domain-error.js";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { clientGone } from "../openai/sse-writer.js";
import { repoRefOf } from "../request-context.js";
import { rawTailAfter } from "./revision-path.js";

/**
 * `GET /api/{t}/<ns>/<name>/compare/<base>..<head>`: the unified diff between
 * two revisions as plain text, the shape of huggingface.co's compare view
 * (`git diff` output). Not part of the Hub's client API; the web app's commit
 * page asks for `<sha>^..<sha>`. Revisions with `/` may be sent raw or as
 * `%2F`; a ref name never holds `..`, so the first `..` splits the two.
 *
 * Headers: `X-Diff-Base` (the base commit, or `empty` for a root commit),
 * `X-Diff-Head`, and `X-Diff-Truncated: 1` when the diff was cut at its cap.
 */
export function registerCompare(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    app.get(`/api/${type}s/:namespace/:name/compare/*`, async (request: FastifyRequest, reply) => {
      const params = request.params as { namespace: string; name: string };
      const { base, head } = parseRange(rawTailAfter(request.url, `/api/${type}s/${params.namespace}/${params.name}/compare/`));
      const gone = clientGone(reply);
      try {
        const cmp = await services.diffs.compare(request.principal, repoRefOf(type, params), base, head, gone.signal);
        reply.header("Content-Type", "text/plain; charset=utf-8");
        reply.header("X-Diff-Base", cmp.base ?? "empty");
        reply.header("X-Diff-Head", cmp.head);
        if (cmp.truncated) reply.header("X-Diff-Truncated", "1");
        // A revision may be a branch that moves: never cache.
        reply.header("Cache-Control", "no-cache");
        return cmp.diff;
      } finally {
        gone.finished();
      }
    });
  }
}

/** `main..v1`, `abc123^..abc123`, `refs%2Fpr%2F1..main` → the two revisions, decoded. */
export function parseRange(rawTail: string): { base: string; head: string } {
  const tail = rawTail.split("?", 1)[0]!.replace(/\/+$/, "");
  const cut = tail.indexOf("..");
  if (cut <= 0 || cut + 2 >= tail.length) throw invalid("expected compare/<base>..<head>");
  const base = decode(tail.slice(0, cut));
  const head = decode(tail.slice(cut + 2));
  if (base.includes("..") || head.includes("..") || head.startsWith(".")) throw invalid("expected exactly one '..' between two revisions");
  if (base.length > 256 || head.length > 256) throw invalid("revision too long");
  return { base, head };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new DomainError("InvalidArgument", `malformed percent-encoding in '${s.slice(0, 100)}'`);
  }
}
