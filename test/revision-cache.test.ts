import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import type { RepoRow } from "../src/db/queries/repos.js";
import { createBareRepo } from "../src/lib/git/bare-repo.js";
import { CatFilePool } from "../src/lib/git/cat-file.js";
import { RefFiles } from "../src/lib/git/ref-files.js";
import { runGit } from "../src/lib/git/run-git.js";
import type { Repo } from "../src/services/repos.js";
import { RevisionService } from "../src/services/revisions.js";

const author = { GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com" };
const git = (dir: string, args: string[], input?: string) => runGit(args, { cwd: dir, input, env: author }).then((s) => s.trim());

/** A commit with one file holding `content`, on top of `parent`; no ref moves. */
async function commitObject(dir: string, content: string, parent?: string): Promise<string> {
  const blob = await git(dir, ["hash-object", "-w", "--stdin"], content);
  const tree = await git(dir, ["mktree"], `100644 blob ${blob}\tfile.txt\n`);
  return git(dir, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", content]);
}

let nextId = 1;
async function bareRepo(root: string, name: string): Promise<Repo> {
  const dir = path.join(root, `${name}.git`);
  await createBareRepo(dir, [{ path: "file.txt", content: "first" }], "first", { name: "T", email: "t@example.com" });
  return { row: { id: nextId++ } as RepoRow, type: "model", id: `t/${name}`, dir };
}

/**
 * `resolveRevision` reads refs from the repo's files and keeps what it read
 * while `stat` shows the same file (ref-files.ts). Every ref here is moved by
 * a separate `git` process, as a push through another hub process would, and
 * the next resolve must see it. The services keep files for good only once
 * they are 3 s old; most tests use `RefFiles(0)`, which keeps every file at
 * once, so they exercise the kept path.
 */
describe("revision resolution reads refs from files and sees every change", () => {
  let root: string;
  let pool: CatFilePool;
  let revisions: RevisionService;
  let repo: Repo;
  let first: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "modelport-revisions-"));
    pool = new CatFilePool();
  });
  after(async () => {
    pool.closeAll();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    revisions = new RevisionService(pool, new RefFiles(0));
    repo = await bareRepo(root, `r${nextId}`);
    first = await git(repo.dir, ["rev-parse", "refs/heads/main"]);
  });

  test("a commit that moves the branch is seen by the next resolve", async () => {
    assert.equal(await revisions.resolveRevision(repo, "main"), first);
    const second = await commitObject(repo.dir, "second", first);
    await git(repo.dir, ["update-ref", "refs/heads/main", second, first]);
    assert.equal(await revisions.resolveRevision(repo, "main"), second);
    assert.equal(await revisions.resolveRevision(repo, "HEAD"), second);
    assert.equal(await revisions.resolveRevision(repo, "refs/heads/main"), second);
  });

  test("a push from a clone moves the branch, and the next resolve sees it", async () => {
    const work = path.join(root, `work-${nextId}`);
    await runGit(["clone", "--quiet", repo.dir, work], { env: author });
    assert.equal(await revisions.resolveRevision(repo, "main"), first);
    await writeFile(path.join(work, "file.txt"), "pushed");
    await git(work, ["commit", "--quiet", "-am", "pushed"]);
    await git(work, ["push", "--quiet", "origin", "main"]);
    assert.equal(await revisions.resolveRevision(repo, "main"), await git(work, ["rev-parse", "HEAD"]));
  });

  test("a ref rewritten in place, same size and inode, is seen (the racy window)", async () => {
    // The default RefFiles: a file younger than 3 s is never kept, so a rewrite within one timestamp tick still shows.
    revisions = new RevisionService(pool, new RefFiles());
    const second = await commitObject(repo.dir, "second", first);
    const file = path.join(repo.dir, "refs", "heads", "main");
    const before = await stat(file);
    assert.equal(await revisions.resolveRevision(repo, "main"), first);
    await writeFile(file, `${second}\n`); // same inode, same size: only the times can tell
    assert.equal((await stat(file)).ino, before.ino);
    assert.equal(await revisions.resolveRevision(repo, "main"), second);
  });

  test("a deleted branch is gone at once; a branch created later is found", async () => {
    await git(repo.dir, ["update-ref", "refs/heads/dev", first]);
    assert.equal(await revisions.resolveRevision(repo, "dev"), first);
    await git(repo.dir, ["update-ref", "-d", "refs/heads/dev"]);
    await assert.rejects(revisions.resolveRevision(repo, "dev"), { code: "RevisionNotFound" });
    const other = await commitObject(repo.dir, "other");
    await git(repo.dir, ["update-ref", "refs/heads/dev", other]);
    assert.equal(await revisions.resolveRevision(repo, "dev"), other);
  });

  test("packed refs are read, a loose ref wins over its packed copy, and a repack is seen", async () => {
    const second = await commitObject(repo.dir, "second", first);
    await git(repo.dir, ["update-ref", "refs/heads/dev", first]);
    await git(repo.dir, ["pack-refs", "--all"]);
    assert.equal(await revisions.resolveRevision(repo, "dev"), first); // packed only
    await git(repo.dir, ["update-ref", "refs/heads/dev", second]); // git writes a loose ref over the packed one
    assert.equal(await revisions.resolveRevision(repo, "dev"), second);
    await git(repo.dir, ["pack-refs", "--all"]); // the loose ref goes into a rewritten packed-refs
    assert.equal(await revisions.resolveRevision(repo, "dev"), second);
    await git(repo.dir, ["update-ref", "-d", "refs/heads/dev"]); // removed from packed-refs
    await assert.rejects(revisions.resolveRevision(repo, "dev"), { code: "RevisionNotFound" });
  });

  test("tags: annotated ones peel to their commit, moved ones are seen, and a branch wins over a tag", async () => {
    const second = await commitObject(repo.dir, "second", first);
    await git(repo.dir, ["tag", "-a", "-m", "v1", "v1", first]);
    assert.equal(await revisions.resolveRevision(repo, "v1"), first);
    await git(repo.dir, ["tag", "-f", "-a", "-m", "v1 again", "v1", second]);
    assert.equal(await revisions.resolveRevision(repo, "v1"), second);
    await git(repo.dir, ["update-ref", "refs/heads/v1", first]);
    assert.equal(await revisions.resolveRevision(repo, "v1"), first);
  });

  test("HEAD follows the default branch when it changes", async () => {
    const other = await commitObject(repo.dir, "other");
    await git(repo.dir, ["update-ref", "refs/heads/other", other]);
    assert.equal(await revisions.resolveRevision(repo, "HEAD"), first);
    await git(repo.dir, ["symbolic-ref", "HEAD", "refs/heads/other"]);
    assert.equal(await revisions.resolveRevision(repo, "HEAD"), other);
    await git(repo.dir, ["symbolic-ref", "HEAD", "refs/heads/unborn"]);
    await assert.rejects(revisions.resolveRevision(repo, "HEAD"), { code: "RevisionNotFound" });
  });

  test("a commit id is found once its objects arrive, never before; short ids resolve too", async () => {
    const elsewhere = await bareRepo(root, `elsewhere${nextId}`);
    const foreign = await commitObject(elsewhere.dir, "foreign");
    await assert.rejects(revisions.resolveRevision(repo, foreign), { code: "RevisionNotFound" });
    await git(elsewhere.dir, ["update-ref", "refs/heads/main", foreign]);
    await git(repo.dir, ["fetch", "--quiet", elsewhere.dir, "main:refs/heads/fetched"]);
    assert.equal(await revisions.resolveRevision(repo, foreign), foreign);
    assert.equal(await revisions.resolveRevision(repo, foreign.slice(0, 10)), foreign);
  });

  test("a repo deleted and made again at the same folder is a new repo", async () => {
    await revisions.resolveRevision(repo, first);
    await rm(repo.dir, { recursive: true, force: true });
    const again = await bareRepo(root, path.basename(repo.dir, ".git"));
    assert.notEqual(again.row.id, repo.row.id);
    const now = await git(again.dir, ["rev-parse", "refs/heads/main"]);
    pool.forget(repo.dir);
    assert.equal(await revisions.resolveRevision(again, "main"), now);
    if (now !== first) await assert.rejects(revisions.resolveRevision(again, first), { code: "RevisionNotFound" });
  });

  test("kept refs (older than the racy window) still see a push", { timeout: 20_000 }, async () => {
    revisions = new RevisionService(pool, new RefFiles());
    await new Promise((r) => setTimeout(r, 3_200)); // the ref file is now old enough to be kept
    assert.equal(await revisions.resolveRevision(repo, "main"), first);
    assert.equal(await revisions.resolveRevision(repo, "main"), first); // from what was kept
    const second = await commitObject(repo.dir, "second", first);
    await git(repo.dir, ["update-ref", "refs/heads/main", second, first]);
    assert.equal(await revisions.resolveRevision(repo, "main"), second);
  });
});
