import path from "node:path";
import type { Config } from "../config/registry.js";
import type { Db } from "../db/connect.js";
import type { UrlSigner } from "../lib/secrets.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { AccountService } from "./accounts.js";
import { GitTransportService } from "./git-transport.js";
import { LfsService } from "./lfs.js";
import { RepoService } from "./repos.js";

/** Every use case of the hub, wired once from its dependencies. */
export interface Services {
  accounts: AccountService;
  repos: RepoService;
  git: GitTransportService;
  lfs: LfsService;
}

export function createServices(deps: { config: Config; db: Db; blobStore: BlobStore; signer: UrlSigner }): Services {
  const { config, db, blobStore, signer } = deps;
  const accounts = new AccountService(db);
  const repos = new RepoService(db, path.join(config.dataDir, "repos"), path.join(config.dataDir, "tmp"));
  const git = new GitTransportService(db, repos);
  const lfs = new LfsService(db, repos, blobStore, signer, {
    urlTtlSeconds: config.lfsUrlTtlSeconds,
    maxObjectSize: config.maxLfsObjectSize,
  });
  return { accounts, repos, git, lfs };
}
