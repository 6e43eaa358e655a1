import path from "node:path";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import type { UrlSigner } from "../lib/secrets.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { AccountService } from "./accounts.js";
import { BranchService } from "./branches.js";
import { CommitService } from "./commits.js";
import { GitTransportService } from "./git-transport.js";
import { InferenceService } from "./inference.js";
import { LfsService } from "./lfs.js";
import { ListingService } from "./listing.js";
import { PreuploadService } from "./preupload.js";
import { RepoFileService } from "./repo-files.js";
import { RepoIndexer } from "./repo-index.js";
import { RepoInfoService } from "./repo-info.js";
import { RepoService } from "./repos.js";
import { RepoSettingsService } from "./repo-settings.js";
import { RevisionService } from "./revisions.js";
import { CatFilePool } from "../lib/git/cat-file.js";

/** Every use case of the hub, wired once from its dependencies. */
export interface Services {
  accounts: AccountService;
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
  /** Visibility, gating, renames and the access probe of a repo. */
  repoSettings: RepoSettingsService;
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
  /** Stops background processes; idempotent. */
  close(): void;
}

export function createServices(deps: { config: Config; db: Db; blobStore: BlobStore; signer: UrlSigner }): Services {
  const { config, db, blobStore, signer } = deps;
  const accounts = new AccountService(db);
  const catFiles = new CatFilePool();
  const indexer = new RepoIndexer(db, catFiles);
  const repos = new RepoService(db, path.join(config.dataDir, "repos"), path.join(config.dataDir, "tmp"), catFiles, indexer);
  const git = new GitTransportService(repos, indexer);
  const lfs = new LfsService(db, repos, blobStore, signer, {
    urlTtlSeconds: config.lfsUrlTtlSeconds,
    maxObjectSize: config.maxLfsObjectSize,
    multipartChunkSize: config.lfsMultipartChunkSize,
    tmpDir: path.join(config.dataDir, "tmp"),
  });
  const revisions = new RevisionService(catFiles);
  const files = new RepoFileService(db, repos, revisions, catFiles, blobStore);
  const repoInfo = new RepoInfoService(files);
  const listing = new ListingService(db, repos, { maxLimit: config.listMaxLimit });
  const repoSettings = new RepoSettingsService(db, repos, catFiles);
  const branches = new BranchService(repos, revisions, catFiles, indexer);
  const preupload = new PreuploadService(repos, branches, catFiles);
  const commits = new CommitService(db, repos, branches, catFiles, indexer, blobStore, {
    tmpDir: path.join(config.dataDir, "tmp"),
    maxInlineFileSize: config.maxInlineFileSize,
  });
  const inference = new InferenceService(config, files, listing, path.join(config.dataDir, "models-cache"));
  return {
    accounts, repos, git, lfs, indexer, revisions, files, repoInfo, listing, repoSettings, branches, preupload, commits, catFiles, inference,
    close: () => catFiles.closeAll(),
  };
}
