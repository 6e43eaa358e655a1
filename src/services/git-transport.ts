import type { ChildProcess } from "node:child_process";
import type { Db } from "../db/connect.js";
import { touchRepo } from "../db/queries/repos.js";
import { type GitService, spawnGitService } from "../lib/git/smart-http.js";
import type { Principal } from "./principal.js";
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
    private readonly db: Db,
    private readonly repos: RepoService,
  ) {}

  async open(
    p: Principal,
    ref: RepoRef,
    service: GitService,
    opts: { advertise: boolean; gitProtocol?: string },
  ): Promise<{ repo: Repo; child: ChildProcess }> {
    const repo = service === "git-receive-pack" ? await this.repos.findWritable(p, ref) : await this.repos.findReadable(p, ref);
    return { repo, child: spawnGitService(service, repo.dir, opts) };
  }

  /** Records that a push finished (the repo's last-modified time). */
  async pushed(repo: Repo): Promise<void> {
    await touchRepo(this.db, repo.row.id);
  }
}
