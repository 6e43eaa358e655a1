import type { FastifyInstance } from "fastify";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import { repoUrlPrefix, repoTypes } from "../lib/repo-names.js";
import type { Services } from "../services/index.js";
import { registerGitRoutes } from "./git/smart-http.js";
import { registerHealth } from "./health.js";
import { registerCreateRepo } from "./hub/create-repo.js";
import { registerAuthCheck } from "./hub/auth-check.js";
import { registerDeleteRepo } from "./hub/delete-repo.js";
import { registerListRepos } from "./hub/list-repos.js";
import { registerMoveRepo } from "./hub/move-repo.js";
import { registerRepoSettings } from "./hub/repo-settings.js";
import { registerWhoAmI } from "./hub/whoami.js";
import { registerListCommits } from "./hub/list-commits.js";
import { registerListRefs } from "./hub/list-refs.js";
import { registerListTree } from "./hub/list-tree.js";
import { registerPathsInfo } from "./hub/paths-info.js";
import { registerRawFile } from "./hub/raw-file.js";
import { registerRepoInfo } from "./hub/repo-info.js";
import { registerResolveFile } from "./hub/resolve-file.js";
import { registerLfsRoutes } from "./lfs/lfs-routes.js";
import { registerInferenceOperations } from "./openai/operations.js";
import { registerOpenAiRoutes } from "./openai/routes.js";
import { registerBranches } from "./hub/branches.js";
import { registerCommit } from "./hub/commit.js";
import { registerPreupload } from "./hub/preupload.js";
import { registerTags } from "./hub/tags.js";
import { registerValidateYaml } from "./hub/validate-yaml.js";

/**
 * The table of contents of the HTTP API.
 *
 *   GET    /health                                        load-balancer health check
 *   POST   /api/repos/create                              create a repo (Hub)
 *   DELETE /api/repos/delete                              delete a repo (Hub)
 *   POST   /api/repos/move                                rename a repo, maybe into another namespace (Hub)
 *   GET    /api/{models,datasets,spaces}                  list repos: filters, sort, Link pagination (Hub)
 *   GET    /api/whoami-v2                                 the token's user and the token itself (Hub)
 *   GET    /api/{t}/<ns>/<name>/auth-check[/write]         may the caller read (write) this repo? (Hub)
 *   PUT    /api/{t}/<ns>/<name>/settings                  visibility and gating (Hub)
 *   GET    /api/{models,datasets,spaces}/<ns>/<name>[/revision/<rev>]   repo info (Hub)
 *   GET    /api/{t}/<ns>/<name>/tree/<rev>[/<path>]        list a folder, paginated (Hub)
 *   POST   /api/{t}/<ns>/<name>/paths-info/<rev>           info on given paths (Hub)
 *   GET    /api/{t}/<ns>/<name>/refs                       branches, tags, converts, PR refs (Hub)
 *   GET    /api/{t}/<ns>/<name>/commits/<rev>              history, paginated (Hub)
 *   GET|HEAD /[datasets/|spaces/]<ns>/<name>/resolve/<rev>/<path>  download a file (Hub)
 *   POST   /api/validate-yaml                             check a README's YAML front matter (Hub)
 *   POST   /api/{t}/<ns>/<name>/preupload/<rev>            regular or LFS, per file (Hub)
 *   POST   /api/{t}/<ns>/<name>/commit/<rev>[?create_pr=1]  NDJSON commit (Hub)
 *   POST|DELETE /api/{t}/<ns>/<name>/branch/<branch>     create / delete a branch (Hub)
 *   POST   /api/{t}/<ns>/<name>/tag/<rev>                  tag a revision (Hub)
 *   DELETE /api/{t}/<ns>/<name>/tag/<tag>                  delete a tag (Hub)
 *   GET|HEAD /[datasets/|spaces/]<ns>/<name>/raw/<rev>/<path>      a git blob as stored (Hub)
 *   GET    /[datasets/|spaces/]<ns>/<name>[.git]/info/refs       git ref discovery
 *   POST   /[datasets/|spaces/]<ns>/<name>[.git]/git-upload-pack  git clone / fetch
 *   POST   /[datasets/|spaces/]<ns>/<name>[.git]/git-receive-pack git push
 *   POST   /[…]<ns>/<name>.git/info/lfs/objects/batch      git-lfs batch API
 *   PUT    /[…]<ns>/<name>.git/info/lfs/objects/<oid>      LFS upload (signed link)
 *   GET    /[…]<ns>/<name>.git/info/lfs/objects/<oid>      LFS download (signed link or read access)
 *   POST   /[…]<ns>/<name>.git/info/lfs/verify             LFS verify (signed link)
 *   PUT    /[…]<ns>/<name>.git/info/lfs/multipart/<oid>/<upload>/<n>  multipart LFS part (signed link)
 *   POST   /[…]<ns>/<name>.git/info/lfs/multipart/<oid>/<upload>      multipart LFS completion (signed link)
 *   *      /[…]<ns>/<name>.git/info/lfs/locks…             404: locking not offered
 *   GET    /v1/models[/<model id>]                        models the caller may call (OpenAI)
 *   POST   /v1/chat/completions                           chat, streamed or not (OpenAI)
 *   POST   /v1/completions                                text completion (OpenAI)
 *   POST   /v1/embeddings                                 embeddings, float or base64 (OpenAI)
 *   GET    /metrics                                       Prometheus metrics (inference)
 *   GET    /api/inference/status                          loaded models, memory, queues (admins)
 */
export async function registerRoutes(app: FastifyInstance, deps: { config: Config; db: Db; services: Services }): Promise<void> {
  const { config, db, services } = deps;
  registerHealth(app, db);
  registerOpenAiRoutes(app, services);
  registerInferenceOperations(app, services);
  registerCreateRepo(app, services, config.publicUrl);
  registerDeleteRepo(app, services);
  registerMoveRepo(app, services, config.publicUrl);
  registerListRepos(app, services, config.publicUrl);
  registerWhoAmI(app);
  registerAuthCheck(app, services);
  registerRepoSettings(app, services);
  registerRepoInfo(app, services);
  registerListTree(app, services, config.publicUrl);
  await registerPathsInfo(app, services);
  registerListRefs(app, services);
  registerListCommits(app, services, config.publicUrl);
  registerResolveFile(app, services);
  registerRawFile(app, services);
  registerValidateYaml(app);
  registerPreupload(app, services);
  registerBranches(app, services);
  registerTags(app, services);
  await app.register(async (upload) => {
    // Commit bodies are read line by line as they arrive, never buffered whole.
    upload.addContentTypeParser("application/x-ndjson", (_req, payload, done) => done(null, payload));
    registerCommit(upload, services, config.publicUrl);
  });

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
