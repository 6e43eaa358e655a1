import { DomainError } from "../lib/domain-error.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { defaultBranchRef } from "../lib/git/default-branch.js";
import { compareAndSwapRef } from "../lib/git/refs.js";
import { isValidRefName, revisionCandidates } from "../lib/git/revisions.js";
import { runGit } from "../lib/git/run-git.js";
import type { Signature } from "../lib/git/bare-repo.js";
import { commitTree } from "../lib/git/temp-index.js";
import type { Principal } from "./principal.js";
import type { RepoIndexer } from "./repo-index.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";
import { type RevisionService, revisionNotFound } from "./revisions.js";

/** A ref commits can be added to, and where it points now. */
export interface WritableRef {
  /** `refs/heads/<branch>` or `refs/pr/<n>`. */
  ref: string;
  head: string;
}

/**
 * Branches and tags of a repo (hf-hub-protocol.md §5.7), and which revisions
 * a write may target. Every ref moves by compare-and-swap, so two requests
 * racing for one name never both win.
 */
export class BranchService {
  constructor(
    private readonly repos: RepoService,
    private readonly revisions: RevisionService,
    private readonly catFiles: CatFilePool,
    private readonly indexer: RepoIndexer,
  ) {}

  /**
   * The branch (or pull-request ref) a commit to `revision` goes to: a branch
   * name, `HEAD` (the default branch), `refs/heads/<b>` or `refs/pr/<n>`.
   * A tag or a commit id cannot take commits (400); anything else is 404
   * `RevisionNotFound`.
   */
  async writableRef(repo: Repo, revision: string): Promise<WritableRef> {
    const git = this.catFiles.get(repo.dir);
    let ref: string | undefined;
    if (revision === "HEAD") ref = await defaultBranchRef(repo.dir);
    else if (/^refs\/(heads\/.+|pr\/[1-9][0-9]*)$/.test(revision) && isValidRefName(revision)) ref = revision;
    else if (!revision.startsWith("refs/") && isValidRefName(revision)) ref = `refs/heads/${revision}`;
    if (ref) {
      const head = await git.info(ref);
      if (head?.type === "commit") return { ref, head: head.oid };
    }
    for (const spec of revisionCandidates(revision)) {
      if ((await git.info(spec))?.type === "commit") {
        throw new DomainError("InvalidArgument", `Revision '${shown(revision)}' is not a branch: commits can only be made to a branch`);
      }
    }
    throw revisionNotFound(revision);
  }

  /** Is `ref` the repo's default branch (the one repo info and listings describe)? */
  async isDefaultBranch(repo: Repo, ref: string): Promise<boolean> {
    return (await defaultBranchRef(repo.dir)) === ref;
  }

  /**
   * Creates branch `name` at `startingPoint` (any revision; default: the
   * default branch), or on a new commit with an empty tree (`emptyBranch`).
   * An existing branch is 409 unless `overwrite`.
   */
  async createBranch(
    p: Principal,
    ref: RepoRef,
    name: string,
    opts: { startingPoint?: string; emptyBranch?: boolean; overwrite?: boolean },
  ): Promise<void> {
    const repo = await this.repos.findWritable(p, ref);
    const full = `refs/heads/${checkRefName(name, "branch")}`;
    const existing = (await this.catFiles.get(repo.dir).info(full))?.oid;
    if (existing !== undefined && !opts.overwrite) throw new DomainError("AlreadyExists", `Branch '${name}' already exists`);
    let target: string;
    if (opts.emptyBranch) {
      const tree = (await runGit(["mktree"], { cwd: repo.dir, input: "" })).trim();
      target = await commitTree(repo.dir, tree, [], `Create empty branch ${name}\n`, authorOf(p));
    } else {
      target = await this.revisions.resolveRevision(repo, opts.startingPoint ?? "HEAD");
    }
    if (!(await compareAndSwapRef(repo.dir, full, target, existing ?? ""))) {
      // Another request got there first, or the name clashes with a branch such as `a` for `a/b`.
      throw new DomainError("Conflict", `Branch '${name}' could not be ${existing ? "moved" : "created"}: it changed meanwhile or clashes with another branch name`);
    }
    if (existing !== undefined && (await this.isDefaultBranch(repo, full))) await this.indexer.refresh(repo);
  }

  /** Deletes a branch; the default branch cannot be deleted. */
  async deleteBranch(p: Principal, ref: RepoRef, name: string): Promise<void> {
    const repo = await this.repos.findWritable(p, ref);
    const full = `refs/heads/${checkRefName(name, "branch")}`;
    if (await this.isDefaultBranch(repo, full)) {
      throw new DomainError("PermissionDenied", `'${name}' is the default branch and cannot be deleted`);
    }
    await this.deleteRef(repo, full, name);
  }

  /**
   * Tags the commit `revision` names as `tag`: an annotated tag (a tag object
   * by the caller) when `message` is given, else a lightweight one. 409 when
   * the tag exists.
   */
  async createTag(p: Principal, ref: RepoRef, revision: string, tag: string, message?: string): Promise<void> {
    const repo = await this.repos.findWritable(p, ref);
    const full = `refs/tags/${checkRefName(tag, "tag")}`;
    const commit = await this.revisions.resolveRevision(repo, revision);
    if (await this.catFiles.get(repo.dir).info(full)) throw new DomainError("AlreadyExists", `Tag '${tag}' already exists`);
    let target = commit;
    if (message !== undefined && message !== "") {
      const { name, email } = authorOf(p);
      const tagger = `${name} <${email}> ${Math.floor(Date.now() / 1000)} +0000`;
      const body = `object ${commit}\ntype commit\ntag ${tag}\ntagger ${tagger}\n\n${message.endsWith("\n") ? message : `${message}\n`}`;
      target = (await runGit(["mktag"], { cwd: repo.dir, input: body })).trim();
    }
    if (!(await compareAndSwapRef(repo.dir, full, target, ""))) throw new DomainError("AlreadyExists", `Tag '${tag}' already exists`);
  }

  async deleteTag(p: Principal, ref: RepoRef, tag: string): Promise<void> {
    const repo = await this.repos.findWritable(p, ref);
    await this.deleteRef(repo, `refs/tags/${checkRefName(tag, "tag")}`, tag);
  }

  private async deleteRef(repo: Repo, full: string, name: string): Promise<void> {
    // The ref may move between reading and deleting it; a few rounds settle that.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = (await this.catFiles.get(repo.dir).info(full))?.oid;
      if (current === undefined) throw revisionNotFound(name);
      if (await compareAndSwapRef(repo.dir, full, "", current)) return;
    }
    throw new DomainError("Conflict", `'${name}' kept changing while it was being deleted; try again`);
  }
}

/** A branch or tag name as given by a client (not a full ref). */
function checkRefName(name: string, what: "branch" | "tag"): string {
  if (!isValidRefName(name) || name.startsWith("refs/") || name === "HEAD") {
    throw new DomainError("InvalidArgument", `'${shown(name)}' is not a valid ${what} name`);
  }
  return name;
}

/** The author and committer of commits and tags made through the API: the token's user. */
export function authorOf(p: Principal): Signature {
  const name = p.kind === "user" ? p.name : "anonymous";
  // Characters git refuses in an identity line are dropped rather than failing the write.
  const email = (p.kind === "user" && p.email ? p.email : `${name}@users.noreply.modelport`).replace(/[<>\s]/g, "");
  return { name, email };
}

function shown(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
