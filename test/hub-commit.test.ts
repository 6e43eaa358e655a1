import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { commit, deleteFile, deleteFiles, HubApiError, uploadFile } from "@huggingface/hub";
import { runGit } from "../src/lib/git/run-git.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import {
  blobAt, fileLine, filesAt, header, modelRepoDir, postCommit, refOf, tmpLeftovers, uploadLfsObject,
} from "./support/hub-write.js";

describe("NDJSON commits", () => {
  let hub: TestHub;
  let alice: string;
  let repoCount = 0;
  const hubUrl = () => hub.url;

  before(async () => {
    hub = await startHub({ maxInlineFileSize: 1024 * 1024 });
    alice = await hub.user("alice");
  });
  after(() => hub.close());

  /** A fresh repo per test, so tests do not depend on each other's commits. */
  async function freshRepo(): Promise<string> {
    return createRepo(hub, alice, `r${++repoCount}`);
  }

  async function rejects(fn: () => Promise<unknown>, status: number): Promise<HubApiError> {
    try {
      await fn();
    } catch (err) {
      assert.ok(err instanceof HubApiError, String(err));
      assert.equal(err.statusCode, status, err.message);
      return err;
    }
    assert.fail(`expected a ${status}`);
  }

  test("uploadFile, deleteFile and deleteFiles with the official client", async () => {
    const repo = await freshRepo();
    await uploadFile({ repo, accessToken: alice, hubUrl: hubUrl(), file: { path: "a.txt", content: new Blob(["A"]) } });
    await uploadFile({ repo, accessToken: alice, hubUrl: hubUrl(), file: { path: "dir/b.txt", content: new Blob(["B"]) } });
    await uploadFile({ repo, accessToken: alice, hubUrl: hubUrl(), file: { path: "dir/c.txt", content: new Blob(["C"]) } });
    assert.equal(await blobAt(hub, repo, "main", "dir/b.txt"), "B");
    const log = await runGit(["log", "-1", "--format=%s|%an", "main"], { cwd: modelRepoDir(hub, repo) });
    assert.equal(log.trim(), "Add dir/c.txt|alice", "title from the client, author from the token");

    await deleteFile({ repo, accessToken: alice, hubUrl: hubUrl(), path: "a.txt" });
    assert.deepEqual(await filesAt(hub, repo), [".gitattributes", "dir/b.txt", "dir/c.txt"]);
    await deleteFiles({ repo, accessToken: alice, hubUrl: hubUrl(), paths: ["dir/b.txt", "dir/c.txt"] });
    assert.deepEqual(await filesAt(hub, repo), [".gitattributes"]);
  });

  test("deleting a missing file is 404 EntryNotFound with the Hub's message, and nothing moves", async () => {
    const repo = await freshRepo();
    const before = await refOf(hub, repo);
    await rejects(() => deleteFile({ repo, accessToken: alice, hubUrl: hubUrl(), path: "nope.txt" }), 404);
    const res = await postCommit(hub, alice, repo, [header(), { key: "deletedFile", value: { path: "nope.txt" } }]);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-error-code"), "EntryNotFound");
    assert.match(res.headers.get("x-error-message") ?? "", /A file with this name doesn't exist/);
    assert.equal(await refOf(hub, repo), before);
  });

  test("parentCommit: a moved branch is 412 and nothing lands; the current head is accepted", async () => {
    const repo = await freshRepo();
    const first = await refOf(hub, repo);
    await uploadFile({ repo, accessToken: alice, hubUrl: hubUrl(), file: { path: "x.txt", content: new Blob(["1"]) } });
    const second = await refOf(hub, repo);
    const stale = () =>
      commit({
        repo, accessToken: alice, hubUrl: hubUrl(), title: "stale", parentCommit: first,
        operations: [{ operation: "addOrUpdate", path: "y.txt", content: new Blob(["2"]) }],
      });
    await rejects(stale, 412);
    assert.equal(await refOf(hub, repo), second);
    const out = await commit({
      repo, accessToken: alice, hubUrl: hubUrl(), title: "fresh", parentCommit: second,
      operations: [{ operation: "addOrUpdate", path: "y.txt", content: new Blob(["2"]) }],
    });
    assert.equal(out?.commit.oid, await refOf(hub, repo));
  });

  test("deletedFolder removes a folder recursively (huggingface_hub sends it with a trailing slash)", async () => {
    const repo = await freshRepo();
    assert.equal((await postCommit(hub, alice, repo, [header(), fileLine("f/a", "a"), fileLine("f/g/b", "b"), fileLine("fx", "c")])).status, 200);
    const res = await postCommit(hub, alice, repo, [header("rm"), { key: "deletedFolder", value: { path: "f/" } }]);
    assert.equal(res.status, 200, await res.text());
    assert.deepEqual(await filesAt(hub, repo), [".gitattributes", "fx"]);
    const missing = await postCommit(hub, alice, repo, [header("rm"), { key: "deletedFolder", value: { path: "f" } }]);
    assert.equal(missing.status, 404);
  });

  test("later operations on a path win; content can be utf-8 or base64", async () => {
    const repo = await freshRepo();
    const res = await postCommit(hub, alice, repo, [
      header(),
      fileLine("p.txt", "first"),
      { key: "deletedFile", value: { path: "p.txt" } },
      { key: "file", value: { path: "p.txt", content: "third ✓", encoding: "utf-8" } },
      fileLine("gone.txt", "x"),
      { key: "deletedFile", value: { path: "gone.txt" } },
    ]);
    assert.equal(res.status, 200, await res.text());
    assert.equal(await blobAt(hub, repo, "main", "p.txt"), "third ✓");
    assert.deepEqual(await filesAt(hub, repo), [".gitattributes", "p.txt"]);
  });

  test("the answer carries the commit id and its URL, and the header's summary and description", async () => {
    const repo = await freshRepo();
    const res = await postCommit(hub, alice, repo, [
      { key: "header", value: { summary: "Title", description: "Body text" } },
      fileLine("a", "a"),
    ]);
    const body = (await res.json()) as Record<string, unknown>;
    const head = await refOf(hub, repo);
    assert.deepEqual(body, { success: true, commitOid: head, commitUrl: `${hub.url}/${repo}/commit/${head}`, pullRequestUrl: null, hookOutput: null });
    const message = await runGit(["log", "-1", "--format=%B", "main"], { cwd: modelRepoDir(hub, repo) });
    assert.equal(message.trim(), "Title\n\nBody text");
  });

  test("lfsFile: a pointer blob, and a .gitattributes line for a path no pattern tracks (once)", async () => {
    const repo = await freshRepo();
    const content = randomBytes(1000);
    const oid = await uploadLfsObject(hub, alice, repo, content);
    const lfs = (path: string, extra: object = {}) => ({ key: "lfsFile", value: { path, algo: "sha256", oid, size: content.length, ...extra } });
    assert.equal((await postCommit(hub, alice, repo, [header(), lfs("data/table.csv"), lfs("w.bin")])).status, 200);
    assert.equal(await blobAt(hub, repo, "main", "w.bin"), `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 1000\n`);
    const attributes = await blobAt(hub, repo, "main", ".gitattributes");
    assert.ok(attributes.endsWith("*.zst filter=lfs diff=lfs merge=lfs -text\n*tfevents* filter=lfs diff=lfs merge=lfs -text\ndata/table.csv filter=lfs diff=lfs merge=lfs -text\n"), attributes);
    // a second commit of the same path adds nothing; a copy without size (huggingface_hub's CommitOperationCopy) takes the stored size
    assert.equal((await postCommit(hub, alice, repo, [header(), lfs("data/table.csv"), { key: "lfsFile", value: { path: "copy.bin", algo: "sha256", oid } }])).status, 200);
    assert.equal(await blobAt(hub, repo, "main", ".gitattributes"), attributes);
    assert.match(await blobAt(hub, repo, "main", "copy.bin"), /size 1000\n$/);
  });

  test("an LFS oid never uploaded to this repo, or with another size, is 422 naming the oid", async () => {
    const repo = await freshRepo();
    const before = await refOf(hub, repo);
    const unknown = createHash("sha256").update("never uploaded").digest("hex");
    let res = await postCommit(hub, alice, repo, [header(), { key: "lfsFile", value: { path: "a.bin", algo: "sha256", oid: unknown, size: 3 } }]);
    assert.equal(res.status, 422);
    assert.match(res.headers.get("x-error-message") ?? "", new RegExp(unknown));
    // uploaded to another repo: knowing the oid is not enough
    const other = await freshRepo();
    const oid = await uploadLfsObject(hub, alice, other, Buffer.from("elsewhere"));
    res = await postCommit(hub, alice, repo, [header(), { key: "lfsFile", value: { path: "a.bin", algo: "sha256", oid, size: 9 } }]);
    assert.equal(res.status, 422);
    const mine = await uploadLfsObject(hub, alice, repo, Buffer.from("mine"));
    res = await postCommit(hub, alice, repo, [header(), { key: "lfsFile", value: { path: "a.bin", algo: "sha256", oid: mine, size: 5 } }]);
    assert.equal(res.status, 422);
    // linked once, but its bytes are gone from the store
    await rm(path.join(hub.dataDir, "lfs", mine.slice(0, 2), mine.slice(2, 4), mine));
    res = await postCommit(hub, alice, repo, [header(), { key: "lfsFile", value: { path: "a.bin", algo: "sha256", oid: mine, size: 4 } }]);
    assert.equal(res.status, 422);
    assert.equal(await refOf(hub, repo), before);
  });

  test("create_pr opens refs/pr/<n> from the head and leaves the branch alone", async () => {
    const repo = await freshRepo();
    const main = await refOf(hub, repo);
    const out = await commit({
      repo, accessToken: alice, hubUrl: hubUrl(), title: "proposal", isPullRequest: true,
      operations: [{ operation: "addOrUpdate", path: "pr.txt", content: new Blob(["pr"]) }],
    });
    assert.equal(out?.pullRequestUrl, `${hub.url}/${repo}/discussions/1`);
    assert.equal(await refOf(hub, repo, "refs/pr/1"), out?.commit.oid);
    assert.equal(await refOf(hub, repo), main);
    const res = await postCommit(hub, alice, repo, [header(), fileLine("b", "b")], { query: "?create_pr=1" });
    assert.equal(((await res.json()) as { pullRequestUrl: string }).pullRequestUrl, `${hub.url}/${repo}/discussions/2`);
    // committing to an open pull request by its ref
    const more = await postCommit(hub, alice, repo, [header(), fileLine("c", "c")], { revision: "refs/pr/1" });
    assert.equal(more.status, 200, await more.text());
    assert.deepEqual(await filesAt(hub, repo, "refs/pr/1"), [".gitattributes", "c", "pr.txt"]);
  });

  test("a commit to the default branch refreshes the repo's indexed metadata", async () => {
    const repo = await freshRepo();
    await postCommit(hub, alice, repo, [header(), fileLine("README.md", "---\npipeline_tag: text-generation\n---\n")]);
    const found = await hub.hub.services.repos.findUnchecked({ type: "model", namespace: "alice", name: repo.split("/")[1]! });
    assert.equal(found?.row.sha, await refOf(hub, repo));
    assert.equal(found?.row.pipeline_tag, "text-generation");
  });

  test("a path cannot be both a file and a folder", async () => {
    const repo = await freshRepo();
    await postCommit(hub, alice, repo, [header(), fileLine("a", "file")]);
    assert.equal((await postCommit(hub, alice, repo, [header(), fileLine("a/b", "x")])).status, 422);
    assert.equal((await postCommit(hub, alice, repo, [header(), fileLine(".gitattributes/x", "x")])).status, 422);
    // replacing the file by a folder in one commit is fine
    assert.equal((await postCommit(hub, alice, repo, [header(), { key: "deletedFile", value: { path: "a" } }, fileLine("a/b", "x")])).status, 200);
  });

  describe("bad input: clear 4xx, the branch does not move, no temp files remain", () => {
    const cases: [name: string, lines: (object | string)[], status: number][] = [
      ["broken NDJSON", [header(), '{"key": "file", "value": {"path": "a", '], 400],
      ["no header", [fileLine("a", "a")], 400],
      ["an empty body", [], 400],
      ["two headers", [header(), header()], 400],
      ["an unknown key", [header(), { key: "copyFile", value: { path: "a" } }], 400],
      ["bad base64", [header(), { key: "file", value: { path: "a", content: "%%%", encoding: "base64" } }], 400],
      ["a file over the inline limit", [header(), fileLine("big", Buffer.alloc(1024 * 1024 + 1))], 413],
      ["a path with ..", [header(), fileLine("../escape", "x")], 422],
      ["a path with .. inside", [header(), fileLine("a/../../b", "x")], 422],
      ["backslash traversal", [header(), fileLine("..\\ddd", "x")], 422],
      ["a path into .git", [header(), fileLine(".git/config", "x")], 422],
      ["a nested .git", [header(), fileLine("sub/.GIT/hooks/x", "x")], 422],
      ["a NUL in a path", [header(), fileLine("a\u0000b", "x")], 422],
      ["an absolute path", [header(), fileLine("/etc/passwd", "x")], 422],
      ["an empty path", [header(), fileLine("", "x")], 422],
      ["a bad path after good files", [header(), fileLine("ok.txt", "fine"), { key: "deletedFile", value: { path: "../x" } }], 422],
      ["a bad parentCommit", [header("t", { parentCommit: "HEAD~1" })], 400],
    ];
    let repo: string;
    before(async () => {
      repo = await freshRepo();
    });
    for (const [name, lines, status] of cases) {
      test(name, async () => {
        const before = await refOf(hub, repo);
        const res = await postCommit(hub, alice, repo, lines);
        assert.equal(res.status, status, await res.clone().text());
        assert.ok(res.headers.get("x-error-message"), "the reason is in X-Error-Message");
        assert.equal(await refOf(hub, repo), before);
        assert.deepEqual(await tmpLeftovers(hub), []);
      });
    }
  });

  test("who may commit: anonymous 401, read token 403, another user 403; a private repo looks missing", async () => {
    const repo = await freshRepo();
    const lines = [header(), fileLine("a", "a")];
    assert.equal((await postCommit(hub, undefined, repo, lines)).status, 401);
    assert.equal((await postCommit(hub, await hub.token("alice", "read"), repo, lines)).status, 403);
    const bob = await hub.user("bob");
    assert.equal((await postCommit(hub, bob, repo, lines)).status, 403);
    await createRepo(hub, alice, "hidden", { private: true });
    const res = await postCommit(hub, bob, "alice/hidden", lines);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-error-code"), "RepoNotFound");
  });

  test("only branches take commits: a tag or a commit id is 400, an unknown branch 404 RevisionNotFound", async () => {
    const repo = await freshRepo();
    const head = (await refOf(hub, repo))!;
    await runGit(["update-ref", "refs/tags/v1", head], { cwd: modelRepoDir(hub, repo) });
    const lines = [header(), fileLine("a", "a")];
    assert.equal((await postCommit(hub, alice, repo, lines, { revision: "v1" })).status, 400);
    assert.equal((await postCommit(hub, alice, repo, lines, { revision: head })).status, 400);
    const missing = await postCommit(hub, alice, repo, lines, { revision: "nope" });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-error-code"), "RevisionNotFound");
  });

  test("20 concurrent commits without parentCommit all land, none lost", async () => {
    const repo = await freshRepo();
    const before = (await refOf(hub, repo))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        commit({
          repo, accessToken: alice, hubUrl: hubUrl(), title: `commit ${i}`,
          operations: [{ operation: "addOrUpdate", path: `c/${i}.txt`, content: new Blob([`file ${i}`]) }],
        }),
      ),
    );
    assert.equal(new Set(results.map((r) => r?.commit.oid)).size, 20);
    const files = await filesAt(hub, repo);
    for (let i = 0; i < 20; i++) assert.ok(files.includes(`c/${i}.txt`), `c/${i}.txt is in the final tree`);
    const count = await runGit(["rev-list", "--count", `${before}..main`], { cwd: modelRepoDir(hub, repo) });
    assert.equal(count.trim(), "20", "one commit each, in a line");
    assert.deepEqual(await tmpLeftovers(hub), []);
  });

  test("commits racing with writers this process does not see (git pushes, other hubs) are re-applied, none lost", async () => {
    const repo = await freshRepo();
    const dir = modelRepoDir(hub, repo);
    // An outside writer moves main with its own compare-and-swap, as a push through receive-pack would.
    const outside: string[] = [];
    const writer = (async () => {
      while (outside.length < 15) {
        const head = (await refOf(hub, repo))!;
        const next = (await runGit(["commit-tree", `${head}^{tree}`, "-p", head, "-m", `outside ${outside.length}`], {
          cwd: dir, env: { GIT_AUTHOR_NAME: "o", GIT_AUTHOR_EMAIL: "o@x", GIT_COMMITTER_NAME: "o", GIT_COMMITTER_EMAIL: "o@x" },
        })).trim();
        const moved = await runGit(["update-ref", "refs/heads/main", next, head], { cwd: dir }).then(() => true, () => false);
        if (moved) outside.push(next);
      }
    })();
    await Promise.all([
      writer,
      ...Array.from({ length: 10 }, (_, i) => postCommit(hub, alice, repo, [header(`api ${i}`), fileLine(`api/${i}`, String(i))]).then((r) => assert.equal(r.status, 200))),
    ]);
    const files = await filesAt(hub, repo);
    for (let i = 0; i < 10; i++) assert.ok(files.includes(`api/${i}`), `api/${i} is in the final tree`);
    for (const c of outside) await runGit(["merge-base", "--is-ancestor", c, "main"], { cwd: dir });
  });
});
