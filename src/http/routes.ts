import type { FastifyInstance } from "fastify";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import { repoUrlPrefix, repoTypes } from "../lib/repo-names.js";
import type { Services } from "../services/index.js";
import { registerGitRoutes } from "./git/smart-http.js";
import { registerHealth } from "./health.js";
import { registerCreateRepo } from "./hub/create-repo.js";
import { registerDeleteRepo } from "./hub/delete-repo.js";
import { registerLfsRoutes } from "./lfs/lfs-routes.js";

/**
 * The table of contents of the HTTP API.
 *
 *   GET    /health                                        load-balancer health check
 *   POST   /api/repos/create                              create a repo (Hub)
 *   DELETE /api/repos/delete                              delete a repo (Hub)
 *   GET    /[datasets/|spaces/]<ns>/<name>[.git]/info/refs       git ref discovery
 *   POST   /[datasets/|spaces/]<ns>/<name>[.git]/git-upload-pack  git clone / fetch
 *   POST   /[datasets/|spaces/]<ns>/<name>[.git]/git-receive-pack git push
 *   POST   /[…]<ns>/<name>.git/info/lfs/objects/batch      git-lfs batch API
 *   PUT    /[…]<ns>/<name>.git/info/lfs/objects/<oid>      LFS upload (signed link)
 *   GET    /[…]<ns>/<name>.git/info/lfs/objects/<oid>      LFS download (signed link or read access)
 *   POST   /[…]<ns>/<name>.git/info/lfs/verify             LFS verify (signed link)
 *   *      /[…]<ns>/<name>.git/info/lfs/locks…             404: locking not offered
 */
export async function registerRoutes(app: FastifyInstance, deps: { config: Config; db: Db; services: Services }): Promise<void> {
  const { config, db, services } = deps;
  registerHealth(app, db);
  registerCreateRepo(app, services, config.publicUrl);
  registerDeleteRepo(app, services);

  await app.register(async (git) => {
    // Request bodies are handed to git as streams, never parsed or buffered.
    for (const service of ["git-upload-pack", "git-receive-pack"]) {
      git.addContentTypeParser(`application/x-${service}-request`, (_req, payload, done) => done(null, payload));
    }
    for (const type of repoTypes) registerGitRoutes(git, services, repoUrlPrefix[type], type);
  });

  await app.register(async (lfs) => {
    lfs.addContentTypeParser("application/vnd.git-lfs+json", { parseAs: "string" }, lfs.getDefaultJsonParser("error", "error"));
    // Upload bodies stream straight into the blob store.
    lfs.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
    for (const type of repoTypes) registerLfsRoutes(lfs, services, repoUrlPrefix[type], type, config.publicUrl);
  });
}
