import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { runGit } from "./run-git.js";
import type { Signature } from "./bare-repo.js";

/**
 * A private index file over a bare repo: how a commit is built without a work
 * tree (read the parent's tree, stage changes, write a tree, commit it). Each
 * commit gets its own index, so concurrent commits never share state.
 */
export class TempIndex {
  private constructor(
    private readonly repoDir: string,
    private readonly env: Record<string, string>,
    private readonly file: string,
  ) {}

  /** An index holding `parent`'s tree, or an empty one. */
  static async create(repoDir: string, tmpDir: string, parent: string | undefined): Promise<TempIndex> {
    const file = path.join(tmpDir, `index-${randomBytes(8).toString("hex")}`);
    const index = new TempIndex(repoDir, { GIT_INDEX_FILE: file }, file);
    await index.git(parent ? ["read-tree", parent] : ["read-tree", "--empty"]);
    return index;
  }

  /** Writes a blob into the object database and returns its sha1. */
  async hashBlob(content: Buffer | string): Promise<string> {
    return (await this.git(["hash-object", "-w", "--stdin"], content)).trim();
  }

  /** Paths staged in the index: all of them, or those inside folder `prefix`. */
  async paths(prefix?: string): Promise<string[]> {
    const args = ["ls-files", "-z", "--cached"];
    if (prefix) args.push("--", `${prefix}/`);
    return (await this.git(args)).split("\0").filter((p) => p.length > 0);
  }

  /** Stages files (`mode` 100644 or 100755) and removals (`oid` undefined). */
  async update(entries: { path: string; oid?: string; mode?: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const zero = "0".repeat(40);
    const input = entries
      .map((e) => (e.oid ? `${e.mode ?? "100644"} ${e.oid}\t${e.path}` : `0 ${zero}\t${e.path}`))
      .join("\0");
    await this.git(["update-index", "-z", "--add", "--remove", "--index-info"], `${input}\0`);
  }

  async writeTree(): Promise<string> {
    return (await this.git(["write-tree"])).trim();
  }

  /** Removes the index file; idempotent. */
  async dispose(): Promise<void> {
    await rm(this.file, { force: true });
    await rm(`${this.file}.lock`, { force: true });
  }

  private git(args: string[], input?: Buffer | string): Promise<string> {
    return runGit(args, { cwd: this.repoDir, env: this.env, input });
  }
}

/** Creates a commit object for `tree` and returns its sha1 (no ref moves). */
export async function commitTree(
  repoDir: string,
  tree: string,
  parents: string[],
  message: string,
  author: Signature,
): Promise<string> {
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
  return (
    await runGit(args, {
      cwd: repoDir,
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      },
    })
  ).trim();
}
