import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { authUrl, type GitCli } from "./git-cli.js";

/**
 * A working clone of a hub repo, driven by the real `git` and `git-lfs`:
 * write files, commit, push. Files the repo's `.gitattributes` routes to LFS
 * (`*.safetensors`, `*.bin`, …) are pushed as LFS objects.
 */
export class RepoClone {
  private constructor(
    private readonly git: GitCli,
    readonly dir: string,
  ) {}

  /** Clones `repoPath` (`ns/name`, `datasets/ns/name`, …) with `token` into the git home's scratch folder. */
  static async create(git: GitCli, hubUrl: string, repoPath: string, token: string): Promise<RepoClone> {
    const dir = path.join(git.work, `${repoPath.replaceAll("/", "_")}-${Math.random().toString(36).slice(2, 8)}`);
    await git.run(["clone", "--quiet", authUrl(hubUrl, repoPath, token), dir], git.work);
    return new RepoClone(git, dir);
  }

  /** Writes files (paths relative to the repo root, folders created as needed). */
  async write(files: Record<string, string | Buffer>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(this.dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  /** Stages everything, commits, and returns the new commit's id. */
  async commit(message: string): Promise<string> {
    await this.run(["add", "--all"]);
    await this.run(["commit", "--quiet", "-m", message]);
    return (await this.run(["rev-parse", "HEAD"])).trim();
  }

  /**
   * `git push origin <refspec>`. `noVerify` skips git-lfs's pre-push hook, for
   * commits holding pointer text whose object the clone does not have (the
   * hook finds pointers by content and would refuse to push them).
   */
  async push(refspec = "HEAD:main", opts: { noVerify?: boolean } = {}): Promise<void> {
    await this.run(["push", ...(opts.noVerify ? ["--no-verify"] : []), "origin", refspec]);
  }

  /** The git blob id of a file at a commit (what the hub reports as a regular file's ETag and oid). */
  async blobId(commit: string, rel: string): Promise<string> {
    return (await this.run(["rev-parse", `${commit}:${rel}`])).trim();
  }

  async run(args: string[]): Promise<string> {
    return (await this.git.run(args, this.dir)).stdout;
  }
}
