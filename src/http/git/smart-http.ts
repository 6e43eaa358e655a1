import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { advertisementPreamble, parseGitService, sanitizeGitProtocol } from "../../lib/git/smart-http.js";
import type { RepoType } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";
import { pipeGit } from "./pipe-git.js";

/**
 * Git smart HTTP (`gitprotocol-http(5)`) at `/<prefix><namespace>/<name>[.git]`:
 * ref discovery, then `git-upload-pack` (clone, fetch) and `git-receive-pack` (push).
 */
export function registerGitRoutes(app: FastifyInstance, services: Services, prefix: string, type: RepoType): void {
  const config = { errorStyle: "git" as const };

  app.get(`/${prefix}:namespace/:name/info/refs`, { config }, async (request, reply) => {
    const service = parseGitService((request.query as { service?: unknown }).service);
    if (!service) {
      throw new DomainError("InvalidArgument", "Only smart HTTP is served: ask with ?service=git-upload-pack or ?service=git-receive-pack");
    }
    const { child } = await services.git.open(request.principal, repoRefOf(type, request.params), service, {
      advertise: true,
      gitProtocol: sanitizeGitProtocol(request.headers["git-protocol"] as string | undefined),
    });
    await pipeGit(reply, child, {
      contentType: `application/x-${service}-advertisement`,
      preamble: advertisementPreamble(service),
    });
    return reply;
  });

  for (const service of ["git-upload-pack", "git-receive-pack"] as const) {
    app.post(`/${prefix}:namespace/:name/${service}`, { config }, async (request, reply) => {
      if (request.headers["content-type"] !== `application/x-${service}-request`) {
        throw new DomainError("InvalidArgument", `Content-Type must be application/x-${service}-request`);
      }
      const { repo, child } = await services.git.open(request.principal, repoRefOf(type, request.params), service, {
        advertise: false,
        gitProtocol: sanitizeGitProtocol(request.headers["git-protocol"] as string | undefined),
      });
      const { exit } = await pipeGit(reply, child, {
        contentType: `application/x-${service}-result`,
        input: request.body as Readable,
        contentEncoding: request.headers["content-encoding"],
      });
      if (service === "git-receive-pack") {
        exit.then(async (code) => {
          if (code === 0) await services.git.pushed(repo);
        }).catch((err) => request.log.error({ err }, "recording a push failed"));
      }
      return reply;
    });
  }
}
