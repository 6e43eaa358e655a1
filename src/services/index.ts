import path from "node:path";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import type { UrlSigner } from "../lib/secrets.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { AccountService } from "./accounts.js";
import { GitTransportService } from "./git-transport.js";
import { LfsService } from "./lfs.js";
import { RepoIndexer } from "./repo-index.js";
import { RepoService } from "./repos.js";
import { CatFilePool } from "../lib/git/cat-file.js";

/** Every use case of the hub, wired once from its dependencies. */
export interface Services {
  accounts: AccountService;
  repos: RepoService;
  git: GitTransportService;
  lfs: LfsService;
  indexer: RepoIndexer;
  /** Long-running `git cat-file` processes, one per recently used repo. */
  catFiles: CatFilePool;
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
  });
  return { accounts, repos, git, lfs, indexer, catFiles, close: () => catFiles.closeAll() };
}
