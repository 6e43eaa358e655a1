import type { Db } from "../db/connect.js";
import { findLinkedLfsObjects } from "../db/queries/lfs-objects.js";
import { DomainError } from "../lib/domain-error.js";
import { GitAttributes, lfsTrackLine } from "../lib/gitattributes.js";
import { BlobWriter, writeBlob } from "../lib/git/blob-writer.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { type FileEntry, readFileMap } from "../lib/git/file-map.js";
import { compareAndSwapRef, listRefs } from "../lib/git/refs.js";
import { commitTree, TempIndex } from "../lib/git/temp-index.js";
import { formatLfsPointer } from "../lib/lfs/pointer.js";
import { KeyedMutex } from "../lib/keyed-mutex.js";
import { repoUrlPrefix } from "../lib/repo-names.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { authorOf, type BranchService, type WritableRef } from "./branches.js";
import { type CommitHeader, type CommitOperation, readCommitBody } from "./commit-operations.js";
import type { Principal } from "./principal.js";
import type { RepoIndexer } from "./repo-index.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

export interface CommitResult {
  commitOid: string;
  /** `<base>/<prefix><ns>/<name>/commit/<oid>`. */
  commitUrl: string;
  /** `<base>/<prefix><ns>/<name>/discussions/<n>` when the commit opened a pull request. */
  pullRequestUrl: string | null;
}

/** How long a commit without `parentCommit` keeps retrying when other commits land first. */
const raceBudgetMs = 60_000;

/**
 * API commits (`POST /api/{t}/{repo}/commit/{rev}`, hf-hub-protocol.md §5.6).
 * The body is read once into operations (file contents go straight into the
 * object database), then applied to the branch head in a private index and
 * committed; the branch moves by compare-and-swap. Without `parentCommit`, a
 * commit that loses a race is re-applied on the new head, so concurrent
 * commits all land; with it, a moved branch is 412. A failed commit moves no
 * ref: at most it leaves unreachable blobs for `git gc`.
 */
export class CommitService {
  private readonly refLocks = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly branches: BranchService,
    private readonly catFiles: CatFilePool,
    private readonly indexer: RepoIndexer,
    private readonly store: BlobStore,
    private readonly opts: { tmpDir: string; maxInlineFileSize: number },
  ) {}

  async commit(
    p: Principal,
    ref: RepoRef,
    revision: string,
    body: AsyncIterable<Buffer | string>,
    opts: { createPr: boolean; baseUrl: string },
  ): Promise<CommitResult> {
    // Permission and target first: a refused commit does not read (or store) its body.
    const repo = await this.repos.findWritable(p, ref);
    const target = await this.branches.writableRef(repo, revision);
    // One hash-object process takes every blob of the body as its line arrives.
    const blobs = BlobWriter.open(repo.dir, this.opts.tmpDir);
    let parsed: Awaited<ReturnType<typeof readCommitBody>>;
    let pointers: Map<string, string>;
    try {
      parsed = await readCommitBody(body, { maxInlineFileSize: this.opts.maxInlineFileSize, writeBlob: (content) => blobs.write(content) });
      pointers = await this.lfsPointers(repo, parsed.operations, blobs);
    } finally {
      await blobs.close();
    }
    const { header, operations } = parsed;
    const message = header.description.trim() === "" ? `${header.summary}\n` : `${header.summary}\n\n${header.description}\n`;
    const build = (parent: string) => this.buildCommit(repo, parent, operations, pointers, message, p);
    const repoUrl = `${opts.baseUrl}/${repoUrlPrefix[repo.type]}${repo.id}`;

    if (opts.createPr) {
      const base = header.parentCommit
        ? await this.existingCommit(repo, header.parentCommit)
        : ((await this.catFiles.get(repo.dir).info(target.ref))?.oid ?? target.head);
      const commit = await build(base);
      const pr = await this.openPullRequestRef(repo, commit);
      return { commitOid: commit, commitUrl: `${repoUrl}/commit/${commit}`, pullRequestUrl: `${repoUrl}/discussions/${pr}` };
    }
    const commit = await this.refLocks.run(`${repo.dir}\0${target.ref}`, () => this.commitToRef(repo, target, header, build));
    if (await this.branches.isDefaultBranch(repo, target.ref)) await this.indexer.refresh(repo);
    return { commitOid: commit, commitUrl: `${repoUrl}/commit/${commit}`, pullRequestUrl: null };
  }

  /**
   * Builds on the head and moves the ref; re-reads the head and rebuilds after
   * a lost race when allowed. Commits of this process to one ref take turns
   * (so they rarely race); pushes and other hub processes are caught by the
   * compare-and-swap.
   */
  private async commitToRef(repo: Repo, target: WritableRef, header: CommitHeader, build: (parent: string) => Promise<string>): Promise<string> {
    const started = Date.now();
    // The head read before the turn came may be stale by now.
    let head = (await this.catFiles.get(repo.dir).info(target.ref))?.oid ?? target.head;
    for (let attempt = 1; ; attempt++) {
      if (header.parentCommit && header.parentCommit !== head) throw moved(target, header.parentCommit, head);
      const commit = await build(head);
      if (await compareAndSwapRef(repo.dir, target.ref, commit, head)) return commit;
      const now = (await this.catFiles.get(repo.dir).info(target.ref))?.oid;
      if (now === undefined) throw new DomainError("Conflict", `${target.ref} was deleted while the commit was being made`);
      if (header.parentCommit) throw moved(target, header.parentCommit, now);
      if (Date.now() - started > raceBudgetMs) {
        throw new DomainError("Conflict", `${target.ref} kept moving for ${raceBudgetMs / 1000}s while this commit was retried ${attempt} times; try again`);
      }
      head = now;
      // Spread the retries of many racing writers so they do not collide again in step.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 5 * attempt)));
    }
  }

  /**
   * The pointer blob of every LFS file the commit names. Each object must be
   * stored and linked to this repo (uploaded to it through the batch API), with
   * the size the operation gives, if any.
   */
  private async lfsPointers(repo: Repo, operations: CommitOperation[], blobs: BlobWriter): Promise<Map<string, string>> {
    const lfs = operations.filter((o): o is Extract<CommitOperation, { kind: "lfsFile" }> => o.kind === "lfsFile");
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [...new Set(lfs.map((o) => o.oid))]);
    const pointers = new Map<string, string>();
    for (const op of lfs) {
      let size = linked.get(op.oid);
      // Linked means uploaded and verified once; the bytes must also still be in the store.
      if (size !== undefined && !pointers.has(op.oid) && (await this.store.stat(op.oid))?.size !== size) size = undefined;
      if (size === undefined) {
        throw new DomainError(
          "Unprocessable",
          `LFS object ${op.oid} (for '${op.path}') has not been uploaded to ${repo.id}; upload it through the LFS batch API before committing`,
        );
      }
      if (op.size !== undefined && op.size !== size) {
        throw new DomainError("Unprocessable", `LFS object ${op.oid} (for '${op.path}') is ${size} bytes, not ${op.size}`);
      }
      if (!pointers.has(op.oid)) pointers.set(op.oid, await blobs.write(formatLfsPointer({ oid: op.oid, size })));
    }
    return pointers;
  }

  /** Applies the operations to `parent`'s files and writes the commit object (no ref moves). */
  private async buildCommit(
    repo: Repo,
    parent: string,
    operations: CommitOperation[],
    pointers: Map<string, string>,
    message: string,
    p: Principal,
  ): Promise<string> {
    const files = await readFileMap(repo.dir, parent);
    const touched = new Set<string>();
    /** Paths whose last operation made them LFS files. */
    const lfsPaths = new Set<string>();
    for (const op of operations) {
      switch (op.kind) {
        case "file":
        case "lfsFile": {
          const blob = op.kind === "file" ? op.blob : pointers.get(op.oid)!;
          // An executable stays executable when its content is replaced; anything else becomes a plain file.
          const mode = files.get(op.path)?.mode === "100755" ? "100755" : "100644";
          files.set(op.path, { mode, oid: blob });
          touched.add(op.path);
          if (op.kind === "lfsFile") lfsPaths.add(op.path);
          else lfsPaths.delete(op.path);
          break;
        }
        case "deletedFile":
          if (!files.delete(op.path)) {
            throw new DomainError("NotFound", `A file with this name doesn't exist: '${op.path}'`, "EntryNotFound");
          }
          touched.add(op.path);
          lfsPaths.delete(op.path);
          break;
        case "deletedFolder": {
          const prefix = `${op.path}/`;
          let removed = 0;
          for (const path of files.keys()) {
            if (!path.startsWith(prefix)) continue;
            files.delete(path);
            touched.add(path);
            lfsPaths.delete(path);
            removed++;
          }
          if (removed === 0) throw new DomainError("NotFound", `A folder with this name doesn't exist: '${op.path}'`, "EntryNotFound");
          break;
        }
      }
    }
    await this.trackLfsPaths(repo, files, touched, lfsPaths);
    checkFileFolderClashes(files, touched);

    const index = await TempIndex.create(repo.dir, this.opts.tmpDir, parent);
    try {
      const changes = [...touched];
      await index.update([
        ...changes.filter((path) => !files.has(path)).map((path) => ({ path })),
        ...changes.filter((path) => files.has(path)).map((path) => ({ path, ...files.get(path)! })),
      ]);
      const tree = await index.writeTree();
      return await commitTree(repo.dir, tree, [parent], message, authorOf(p));
    } finally {
      await index.dispose();
    }
  }

  /**
   * Appends `<path> filter=lfs diff=lfs merge=lfs -text` to `.gitattributes`
   * for each LFS file of the commit that it does not already send to LFS, as
   * huggingface.co does, so `git clone` smudges real content instead of
   * leaving pointer text.
   */
  private async trackLfsPaths(repo: Repo, files: Map<string, FileEntry>, touched: Set<string>, lfsPaths: Set<string>): Promise<void> {
    if (lfsPaths.size === 0) return;
    const current = files.get(".gitattributes");
    const text = current ? ((await this.catFiles.get(repo.dir).contents(current.oid))?.content.toString("utf8") ?? "") : "";
    const attributes = GitAttributes.parse(text);
    const lines = [...lfsPaths].filter((path) => !attributes.isLfs(path)).map(lfsTrackLine);
    if (lines.length === 0) return;
    const next = `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${lines.join("\n")}\n`;
    files.set(".gitattributes", { mode: "100644", oid: await writeBlob(repo.dir, next) });
    touched.add(".gitattributes");
  }

  /** Resolves a `parentCommit` for a pull request; 412 when the repo does not have it. */
  private async existingCommit(repo: Repo, oid: string): Promise<string> {
    const found = await this.catFiles.get(repo.dir).info(`${oid}^{commit}`);
    if (found?.type !== "commit") throw new DomainError("PreconditionFailed", `parentCommit ${oid} is not a commit of ${repo.id}`);
    return found.oid;
  }

  /** Creates `refs/pr/<n>` at `commit` with the next free number; returns `n`. */
  private async openPullRequestRef(repo: Repo, commit: string): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const taken = (await listRefs(repo.dir))
        .map((r) => /^refs\/pr\/([0-9]+)$/.exec(r.ref)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
      const n = Math.max(0, ...taken) + 1;
      if (await compareAndSwapRef(repo.dir, `refs/pr/${n}`, commit, "")) return n;
    }
    throw new DomainError("Conflict", "Could not allocate a pull request number; try again");
  }
}

function moved(target: WritableRef, expected: string, actual: string): DomainError {
  return new DomainError(
    "PreconditionFailed",
    `The branch ${target.ref.replace(/^refs\/heads\//, "")} has moved: parentCommit is ${expected} but the head is ${actual}`,
  );
}

/**
 * A path cannot be both a file and a folder: adding `a/b` where `a` is a file,
 * or `a` where `a/…` files exist, is refused (422) rather than silently
 * deleting the other side.
 */
function checkFileFolderClashes(files: Map<string, FileEntry>, touched: Set<string>): void {
  const added = [...touched].filter((path) => files.has(path));
  if (added.length === 0) return;
  const folders = new Set<string>();
  for (const path of files.keys()) {
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) folders.add(path.slice(0, i));
  }
  for (const path of added) {
    if (folders.has(path)) throw new DomainError("Unprocessable", `'${path}' is a folder in this repo; it cannot also be a file`);
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) {
      if (files.has(path.slice(0, i))) {
        throw new DomainError("Unprocessable", `'${path.slice(0, i)}' is a file in this repo; '${path}' cannot be created under it`);
      }
    }
  }
}
