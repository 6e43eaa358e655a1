import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import type { RepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { MultipartQuery, SignedQuery } from "../../services/lfs.js";
import { parseRange } from "../range.js";
import { baseUrlOf, repoRefOf } from "../request-context.js";

const lfsJson = "application/vnd.git-lfs+json";

/**
 * The git-lfs server at `/<prefix><namespace>/<name>.git/info/lfs`
 * (`git-lfs/docs/api/batch.md`, basic transfers). The scope must parse
 * `application/vnd.git-lfs+json` as JSON and pass other bodies through as streams.
 */
export function registerLfsRoutes(
  app: FastifyInstance,
  services: Services,
  prefix: string,
  type: RepoType,
  publicUrl: string,
): void {
  const config = { errorStyle: "lfs" as const };
  const base = `/${prefix}:namespace/:name/info/lfs`;

  app.post(`${base}/objects/batch`, { config }, async (request, reply) => {
    const result = await services.lfs.batch(
      request.principal,
      repoRefOf(type, request.params),
      request.body,
      baseUrlOf(request, publicUrl),
    );
    return reply.type(lfsJson).send(JSON.stringify(result));
  });

  app.put(`${base}/objects/:oid`, { config }, async (request, reply) => {
    const length = request.headers["content-length"];
    await services.lfs.upload(
      repoRefOf(type, request.params),
      (request.params as { oid: string }).oid,
      request.query as SignedQuery & { size?: unknown },
      length === undefined ? undefined : Number(length),
      (request.body as Readable | undefined) ?? request.raw,
    );
    return reply.code(200).type(lfsJson).send("{}");
  });

  // HEAD is routed explicitly: Fastify's automatic HEAD would read the whole object and report no length.
  app.route({ method: ["GET", "HEAD"], url: `${base}/objects/:oid`, config, handler: async (request, reply) => {
    const oid = (request.params as { oid: string }).oid;
    const object = await services.lfs.download(request.principal, repoRefOf(type, request.params), oid, request.query as SignedQuery);
    reply.header("Accept-Ranges", "bytes").header("ETag", `"${oid}"`).type("application/octet-stream");
    const range = parseRange(request.headers.range, object.size);
    if (range === "unsatisfiable") {
      return reply.code(416).header("Content-Range", `bytes */${object.size}`).send();
    }
    if (request.method === "HEAD") return reply.header("Content-Length", object.size).send();
    if (range) {
      reply
        .code(206)
        .header("Content-Range", `bytes ${range.start}-${range.end}/${object.size}`)
        .header("Content-Length", range.end - range.start + 1);
    } else {
      reply.header("Content-Length", object.size);
    }
    return reply.send(await object.open(range));
  } });

  // Multipart uploads (hf-hub-protocol.md §5.5): parts may arrive in parallel and in any order; each answers
  // the ETag the client must send back in the completion body.
  app.put(`${base}/multipart/:oid/:upload/:part`, { config }, async (request, reply) => {
    const length = request.headers["content-length"];
    const etag = await services.lfs.uploadPart(
      repoRefOf(type, request.params),
      request.params as { oid: string; upload: string; part: string },
      request.query as MultipartQuery,
      length === undefined ? undefined : Number(length),
      (request.body as Readable | undefined) ?? request.raw,
    );
    return reply.code(200).header("ETag", etag).send();
  });

  app.post(`${base}/multipart/:oid/:upload`, { config }, async (request, reply) => {
    await services.lfs.completeMultipart(
      repoRefOf(type, request.params),
      request.params as { oid: string; upload: string },
      request.query as MultipartQuery,
      request.body,
    );
    return reply.type(lfsJson).send("{}");
  });

  app.post(`${base}/verify`, { config }, async (request, reply) => {
    await services.lfs.verify(repoRefOf(type, request.params), request.query as SignedQuery, request.body);
    return reply.type(lfsJson).send("{}");
  });

  // File locking is not offered. A 404 on locks/verify makes git-lfs set
  // `lfs.<url>.locksverify=false` and stop asking (git-lfs locking/locks.go).
  app.all(`${base}/locks`, { config }, async () => notOffered());
  app.all(`${base}/locks/*`, { config }, async () => notOffered());
}

function notOffered(): never {
  throw new DomainError("NotFound", "File locking is not supported by this server");
}
