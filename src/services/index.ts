import path from "node:path";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import type { UrlSigner } from "../lib/secrets.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { AccessRequestService } from "./access-requests.js";
import { AccountService } from "./accounts.js";
import { AbuseLimits } from "./abuse-limits.js";
import { AuditLog } from "./audit-log.js";
import { OrgService } from "./orgs.js";
import { BranchService } from "./branches.js";
import { CommitService } from "./commits.js";
import { DownloadCounter } from "./downloads.js";
import { DiffService } from "./diffs.js";
import { GitTransportService } from "./git-transport.js";
import { InferenceService } from "./inference.js";
import { LfsService } from "./lfs.js";
import { LikeService } from "./likes.js";
import { ListingService } from "./listing.js";
import { ModelTreeService } from "./model-tree.js";
import { PreuploadService } from "./preupload.js";
import { RepoFileService } from "./repo-files.js";
import { RepoIndexer } from "./repo-index.js";
import { RepoInfoService } from "./repo-info.js";
import { RepoService } from "./repos.js";
import { RepoSettingsService } from "./repo-settings.js";
import { SessionService } from "./sessions.js";
import { RevisionService } from "./revisions.js";
import { CatFilePool } from "../lib/git/cat-file.js";

/** Every use case of the hub, wired once from its dependencies. */
export interface Services {
  accounts: AccountService;
  /** Organizations, their members and roles, and org and user overview pages. */
  orgs: OrgService;
  /** Security events (tokens, visibility, access grants, deletions, moves, org members), read by admins. */
  audit: AuditLog;
  /** Rate limits on failed authentication and writes (in memory, per process). */
  limits: AbuseLimits;
  /** Web app sign-up, sign-in and sessions (the `modelport_session` cookie). */
  sessions: SessionService;
  repos: RepoService;
  git: GitTransportService;
  lfs: LfsService;
  indexer: RepoIndexer;
  /** What a revision names (`resolveRevision`), refs and history. */
  revisions: RevisionService;
  /** Files at a revision: download, tree, paths-info, siblings, card. */
  files: RepoFileService;
  /** Repo info at a revision (`GET /api/{t}/{repo}`). */
  repoInfo: RepoInfoService;
  /** Repo listings with filters and keyset pagination (`GET /api/models`…). */
  listing: ListingService;
  /** Download counting (one per client and snapshot), flushed in batches; 30-day and trending recounts. */
  downloads: DownloadCounter;
  /** Likes of repos by signed-in users. */
  likes: LikeService;
  /** Visibility, gating, renames and the access probe of a repo. */
  repoSettings: RepoSettingsService;
  /** Gated repos' access requests: the form, asking, and the owner's decisions. */
  accessRequests: AccessRequestService;
  /** Branches and tags: create, delete, and which refs take commits. */
  branches: BranchService;
  /** Upload decisions before a commit (regular or LFS, ignored or not). */
  preupload: PreuploadService;
  /** NDJSON API commits. */
  commits: CommitService;
  /** Long-running `git cat-file` processes, one per recently used repo. */
  catFiles: CatFilePool;
  /** The OpenAI-compatible API: model ids, engines (local workers, upstreams), metrics. */
  inference: InferenceService;
  /** Diffs between revisions (the web app's commit pages). */
  diffs: DiffService;
  /** The model tree: base models, ancestors and derivatives of a model. */
  modelTree: ModelTreeService;
  /** Stops background processes; idempotent. */
  close(): void;
}

export function createServices(deps: { config: Config; db: Db; blobStore: BlobStore; signer: UrlSigner }): Services {
  const { config, db, blobStore, signer } = deps;
  const audit = new AuditLog(db);
  const accounts = new AccountService(db, audit);
  const orgs = new OrgService(db, audit);
  const limits = new AbuseLimits({ authFailuresPerMinute: config.authFailureLimit, writesPerMinute: config.writeRateLimit });
  const catFiles = new CatFilePool();
  const indexer = new RepoIndexer(db, catFiles, blobStore);
  const repos = new RepoService(db, path.join(config.dataDir, "repos"), path.join(config.dataDir, "tmp"), catFiles, indexer, audit);
  const git = new GitTransportService(repos, indexer);
  const lfs = new LfsService(db, repos, blobStore, signer, accounts, {
    urlTtlSeconds: config.lfsUrlTtlSeconds,
    maxObjectSize: config.maxLfsObjectSize,
    multipartChunkSize: config.lfsMultipartChunkSize,
    tmpDir: path.join(config.dataDir, "tmp"),
  });
  const revisions = new RevisionService(catFiles);
  const files = new RepoFileService(db, repos, revisions, catFiles, blobStore);
  const repoInfo = new RepoInfoService(files);
  const listing = new ListingService(db, repos, { maxLimit: config.listMaxLimit });
  const downloads = new DownloadCounter(db);
  const likes = new LikeService(db, repos);
  const repoSettings = new RepoSettingsService(db, repos, catFiles, indexer, audit);
  const accessRequests = new AccessRequestService(db, repos, audit);
  const branches = new BranchService(repos, revisions, catFiles, indexer);
  const preupload = new PreuploadService(repos, branches, catFiles);
  const commits = new CommitService(db, repos, branches, catFiles, indexer, blobStore, {
    tmpDir: path.join(config.dataDir, "tmp"),
    maxInlineFileSize: config.maxInlineFileSize,
  });
  const inference = new InferenceService(config, files, listing, path.join(config.dataDir, "models-cache"));
  return {
    accounts, orgs, audit, limits, repos, git, lfs, indexer, revisions, files, repoInfo, listing, repoSettings, accessRequests, branches, preupload, commits, catFiles, inference,
    diffs: new DiffService(files, revisions),
    modelTree: new ModelTreeService(db, repos),
    downloads, likes,
    sessions: new SessionService(db, accounts, limits, { allowSignup: config.allowSignup, lifetimeSeconds: config.sessionLifetime }),
    close: () => catFiles.closeAll(),
  };
}
