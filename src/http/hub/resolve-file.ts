import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { contentTypeOf } from "../../lib/content-type.js";
import { type RepoType, repoTypes, repoUrlPrefix } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { FileDownload } from "../../services/repo-files.js";
import { parseRange } from "../range.js";
import { repoRefOf } from "../request-context.js";
import { rawTailAfter, splitRevisionAndPath } from "./revision-path.js";

/**
 * `GET|HEAD /[datasets/|spaces/]<ns>/<name>/resolve/<rev>/<path>`: a file's
 * bytes, with the headers huggingface_hub, @huggingface/hub and
 * transformers.js read (hf-hub-protocol.md §3.3). Never a redirect: LFS
 * contents stream from the store through this same response.
 */
export function registerResolveFile(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    // HEAD is declared with GET: Fastify's automatic HEAD would report no length or read the whole body.
    app.route({
      method: ["GET", "HEAD"],
      url: `/${repoUrlPrefix[type]}:namespace/:name/resolve/*`,
      handler: (request, reply) => serveFile(request, reply, services, type, "resolve"),
    });
  }
}

/**
 * Serves `/resolve` (content: LFS files from the store) and `/raw` (the git
 * blob as stored: the pointer text of LFS files). The revision is split from
 * the still-encoded URL so `refs%2Fpr%2F1` stays one revision.
 */
export async function serveFile(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  type: RepoType,
  route: "resolve" | "raw",
): Promise<FastifyReply> {
  const params = request.params as { namespace: string; name: string };
  const tail = rawTailAfter(request.url, `/${repoUrlPrefix[type]}${params.namespace}/${params.name}/${route}/`);
  const { revision, path } = splitRevisionAndPath(tail);
  const { repo, commit } = await services.files.openRevision(request.principal, repoRefOf(type, params), revision, {
    content: true,
    // The card and .gitattributes of a gated repo stay downloadable through /resolve, as on huggingface.co (§3.6).
    ...(route === "resolve" ? { file: path } : {}),
  });
  // Set before the file look-up: a 404 EntryNotFound with the commit lets huggingface_hub cache the miss (§3.2 step 7).
  reply.header("X-Repo-Commit", commit);
  const file = await services.files.download(repo, commit, path, { raw: route === "raw" });
  // A download is counted once the file is known to exist (lib/download-query-files.ts decides which files count).
  if (route === "resolve") services.downloads.record(repo, path, downloadClientOf(request));

  if (request.method === "HEAD") return withFileHeaders(reply, request, file, path).header("Content-Length", file.size).send();
  const range = parseRange(request.headers.range, file.size);
  if (range === "unsatisfiable") {
    withFileHeaders(reply, request, file, path);
    // An empty file cannot satisfy the `bytes=0-0` probe of @huggingface/hub and transformers.js; a 206
    // with total 0 lets them read the size (hf-hub-protocol.md §3.4) and fetch the (empty) file.
    if (file.size === 0) return reply.code(206).header("Content-Range", "bytes */0").header("Content-Length", 0).send(Buffer.alloc(0));
    return reply.code(416).header("Content-Range", `bytes */${file.size}`).header("Content-Length", 0).send(Buffer.alloc(0));
  }
  // Opened before any header is set, so a failure answers as a plain error.
  const body = await file.open(range);
  withFileHeaders(reply, request, file, path);
  if (!range) return reply.header("Content-Length", file.size).send(body);
  return reply
    .code(206)
    .header("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`)
    .header("Content-Length", range.end - range.start + 1)
    .send(body);
}

function withFileHeaders(reply: FastifyReply, request: FastifyRequest, file: FileDownload, path: string): FastifyReply {
  reply
    .header("ETag", `"${file.etag}"`)
    .header("Accept-Ranges", "bytes")
    .header("Content-Type", contentTypeOf(path))
    .header("X-Content-Type-Options", "nosniff");
  if (file.fromLfs) reply.header("X-Linked-Etag", `"${file.etag}"`).header("X-Linked-Size", file.size);
  if ((request.query as { noContentDisposition?: string }).noContentDisposition === undefined) {
    reply.header("Content-Disposition", contentDisposition(path));
  }
  return reply;
}

/** `inline` with the file's base name, RFC 6266: an ASCII fallback and the UTF-8 name. */
function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename*=UTF-8''${encoded}; filename="${ascii}"`;
}

/** Who is downloading, for counting one snapshot once: the user, or the address and client program. */
function downloadClientOf(request: FastifyRequest): string {
  const p = request.principal;
  return p.kind === "user" ? `user:${p.userId}` : `ip:${request.ip} ${request.headers["user-agent"] ?? ""}`;
}
