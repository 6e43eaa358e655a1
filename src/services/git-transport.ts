import type { ChildProcess } from "node:child_process";
import { type GitService, spawnGitService } from "../lib/git/smart-http.js";
import type { Principal } from "./principal.js";
import type { RepoIndexer } from "./repo-index.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

/**
 * Git smart HTTP: decides who may fetch (`upload-pack`: read access) and who may
 * push (`receive-pack`: write access), then hands the streams to git itself.
 * receive-pack moves each ref with a compare-and-swap under its lock file, so
 * of two concurrent pushes to a branch one lands and the other is refused as
 * non-fast-forward; a client that asks `--atomic` gets all refs or none.
 */
export class GitTransportService {
  constructor(
    private readonly repos: RepoService,
    private readonly indexer: RepoIndexer,
  ) {}

  async open(
    p: Principal,
    ref: RepoRef,
    service: GitService,
    opts: { advertise: boolean; gitProtocol?: string },
  ): Promise<{ repo: Repo; child: ChildProcess }> {
    // A gated repo's files are in its git history (and its LFS pointers lead to them): cloning needs content access.
    const repo = service === "git-receive-pack" ? await this.repos.findWritable(p, ref) : await this.repos.findContentReadable(p, ref);
    return { repo, child: spawnGitService(service, repo.dir, opts) };
  }

  /** Re-indexes the repo after a push (head sha, card metadata, last-modified time). */
  async pushed(repo: Repo): Promise<void> {
    await this.indexer.refresh(repo);
  }
}
