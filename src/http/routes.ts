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
import { registerLikes } from "./hub/likes.js";
import { registerMoveRepo } from "./hub/move-repo.js";
import { registerRepoSettings } from "./hub/repo-settings.js";
import { registerAccessRequests } from "./hub/access-requests.js";
import { registerWhoAmI } from "./hub/whoami.js";
import { registerTokens } from "./hub/tokens.js";
import { registerOrganizations } from "./hub/organizations.js";
import { registerAuditLog } from "./admin/audit-log.js";
import { registerListCommits } from "./hub/list-commits.js";
import { registerListRefs } from "./hub/list-refs.js";
import { registerListTree } from "./hub/list-tree.js";
import { registerPathsInfo } from "./hub/paths-info.js";
import { registerRawFile } from "./hub/raw-file.js";
import { registerRepoInfo } from "./hub/repo-info.js";
import { registerModelTree } from "./hub/model-tree.js";
import { registerResolveFile } from "./hub/resolve-file.js";
import { registerLfsRoutes } from "./lfs/lfs-routes.js";
import { registerInferenceOperations } from "./openai/operations.js";
import { registerOpenAiRoutes } from "./openai/routes.js";
import { registerBranches } from "./hub/branches.js";
import { registerCommit } from "./hub/commit.js";
import { registerCompare } from "./hub/compare.js";
import { registerPreupload } from "./hub/preupload.js";
import { registerTags } from "./hub/tags.js";
import { registerValidateYaml } from "./hub/validate-yaml.js";
import { registerWebApp } from "./web/web-app.js";
import { registerSessionInfo } from "./web/session-info.js";
import { registerSignIn } from "./web/sign-in.js";
import { registerSignOut } from "./web/sign-out.js";
import { registerSignUp } from "./web/sign-up.js";

/**
 * The table of contents of the HTTP API.
 *
 *   GET    /health                                        load-balancer health check
 *   POST   /api/repos/create                              create a repo (Hub)
 *   DELETE /api/repos/delete                              delete a repo (Hub)
 *   POST   /api/repos/move                                rename a repo, maybe into another namespace (Hub)
 *   GET    /api/{models,datasets,spaces}                  list repos: filters, sort, Link pagination (Hub)
 *   POST|DELETE /api/{t}/<ns>/<name>/like                like / stop liking a repo (Hub)
 *   GET    /api/{t}/<ns>/<name>/likers                    who likes a repo (Hub)
 *   GET    /api/users/<user>/likes                        the repos a user likes (Hub)
 *   GET    /api/whoami-v2                                 the token's user and the token itself (Hub)
 *   GET|POST /api/settings/tokens, DELETE …/:id            the caller's tokens: list, create, revoke
 *   POST   /api/organizations                             create an organization (creator is admin)
 *   GET    /api/organizations/<org>/overview|members      an org's page data and members (Hub)
 *   POST   /api/organizations/<org>/members               add a member with a role (org admins)
 *   PUT    /api/organizations/<org>/members/<user>/role   change a member's role (Hub; org admins)
 *   DELETE /api/organizations/<org>/members/<user>        remove a member, or leave
 *   GET    /api/users/<user>/overview                     a user's page data (Hub)
 *   GET    /api/admin/audit-log                           security events, newest first (admins)
 *   GET    /api/{t}/<ns>/<name>/auth-check[/write]         may the caller read (write) this repo? (Hub)
 *   PUT    /api/{t}/<ns>/<name>/settings                  visibility and gating (Hub)
 *   GET    /api/{t}/<ns>/<name>/user-access-request/{pending,accepted,rejected}  a gated repo's requests (Hub)
 *   POST   /api/{t}/<ns>/<name>/user-access-request/{handle,grant}  decide a request / grant access (Hub)
 *   GET    /api/{t}/<ns>/<name>/gate                      a gated repo's request form and the caller's standing
 *   POST   /api/{t}/<ns>/<name>/ask-access                request access with the form's answers
 *   GET    /api/{models,datasets,spaces}/<ns>/<name>[/revision/<rev>]   repo info (Hub)
 *   GET    /api/models/<ns>/<name>/model-tree              base models, ancestors, derivatives by relation
 *   GET    /api/{t}/<ns>/<name>/tree/<rev>[/<path>]        list a folder, paginated (Hub)
 *   POST   /api/{t}/<ns>/<name>/paths-info/<rev>           info on given paths (Hub)
 *   GET    /api/{t}/<ns>/<name>/refs                       branches, tags, converts, PR refs (Hub)
 *   GET    /api/{t}/<ns>/<name>/commits/<rev>              history, paginated (Hub)
 *   GET    /api/{t}/<ns>/<name>/compare/<base>..<head>     unified diff, text (web app; `<sha>^..<sha>` is one commit)
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
 *   GET    /api/auth/session                              the web session: user, CSRF token, sign-up open? (web app)
 *   POST   /api/auth/signup | login | logout              create an account / sign in / sign out (web app, session cookie)
 *   GET    /assets/*                                      the web app's bundles (hashed names, cached a year)
 *   GET    /, /models, /<ns>/<name>[/…], /login, …        web app pages: index.html (404 for a repo the caller may not see)
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
  registerTokens(app, services);
  registerOrganizations(app, services);
  registerAuditLog(app, services, config.publicUrl);
  registerAuthCheck(app, services);
  registerRepoSettings(app, services);
  registerAccessRequests(app, services, config.publicUrl);
  registerRepoInfo(app, services);
  registerModelTree(app, services);
  registerLikes(app, services);
  // Downloads counted in memory reach the database before it closes.
  app.addHook("onClose", () => services.downloads.close());
  registerListTree(app, services, config.publicUrl);
  await registerPathsInfo(app, services);
  registerListRefs(app, services);
  registerListCommits(app, services, config.publicUrl);
  registerCompare(app, services);
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

  registerSessionInfo(app, services);
  registerSignUp(app, services, config.publicUrl);
  registerSignIn(app, services, config.publicUrl);
  registerSignOut(app, services, config.publicUrl);
  // Last: page URLs only take what no API, git or LFS route answers.
  registerWebApp(app, services);
}
