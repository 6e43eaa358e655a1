import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createBranch, deleteBranch, HubApiError, uploadFile } from "@huggingface/hub";
import { runGit } from "../src/lib/git/run-git.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, filesAt, header, modelRepoDir, postCommit, refOf } from "./support/hub-write.js";

describe("branches and tags", () => {
  let hub: TestHub;
  let alice: string;
  let repo: string;
  let main: string;
  const hubUrl = () => hub.url;

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    repo = await createRepo(hub, alice, "m");
    await uploadFile({ repo, accessToken: alice, hubUrl: hub.url, file: { path: "a.txt", content: new Blob(["a"]) } });
    main = (await refOf(hub, repo))!;
  });
  after(() => hub.close());

  /** `token` null: anonymous. */
  const api = (method: string, path: string, body?: object, token: string | null = alice) =>
    fetch(`${hub.url}/api/models/${repo}/${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function status(fn: () => Promise<unknown>): Promise<number> {
    try {
      await fn();
      return 200;
    } catch (err) {
      assert.ok(err instanceof HubApiError, String(err));
      return err.statusCode;
    }
  }

  test("createBranch from the default branch; a second create is 409; then commits go to it", async () => {
    await createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "dev" });
    assert.equal(await refOf(hub, repo, "refs/heads/dev"), main);
    assert.equal(await status(() => createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "dev" })), 409);
    await uploadFile({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "dev", file: { path: "dev.txt", content: new Blob(["d"]) } });
    assert.deepEqual(await filesAt(hub, repo, "refs/heads/dev"), [".gitattributes", "a.txt", "dev.txt"]);
    assert.equal(await refOf(hub, repo), main, "main did not move");
  });

  test("a starting point, overwrite, an empty branch and a name with a slash", async () => {
    const first = (await runGit(["rev-parse", "main~1"], { cwd: modelRepoDir(hub, repo) })).trim();
    await createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "feature/x", revision: first });
    assert.equal(await refOf(hub, repo, "refs/heads/feature/x"), first);
    await createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "feature/x", revision: "main", overwrite: true });
    assert.equal(await refOf(hub, repo, "refs/heads/feature/x"), main);
    await createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "blank", empty: true });
    assert.deepEqual(await filesAt(hub, repo, "refs/heads/blank"), []);
    const parents = await runGit(["rev-list", "--count", "refs/heads/blank"], { cwd: modelRepoDir(hub, repo) });
    assert.equal(parents.trim(), "1", "one commit, no history");
    assert.equal((await api("POST", "branch/new", { startingPoint: "no-such-rev" })).status, 404);
  });

  test("deleteBranch; the default branch and missing branches cannot be deleted", async () => {
    await createBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "tmp" });
    await deleteBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "tmp" });
    assert.equal(await refOf(hub, repo, "refs/heads/tmp"), undefined);
    assert.equal(await status(() => deleteBranch({ repo, accessToken: alice, hubUrl: hubUrl(), branch: "main" })), 403);
    assert.equal(await refOf(hub, repo), main);
    const missing = await api("DELETE", "branch/tmp");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-error-code"), "RevisionNotFound");
  });

  test("invalid branch names are 400, other users 403, anonymous 401", async () => {
    for (const name of ["a..b", "-x", "x.lock", "refs/heads/y", "HEAD", "a b"]) {
      assert.equal((await api("POST", `branch/${encodeURIComponent(name)}`, {})).status, 400, name);
    }
    assert.equal((await api("POST", "branch/z", {}, await hub.user("bob"))).status, 403);
    assert.equal((await api("POST", "branch/z", {}, null)).status, 401);
    assert.equal((await api("DELETE", "branch/dev", undefined, await hub.token("alice", "read"))).status, 403);
  });

  test("tags: lightweight and annotated, 409 when taken, deleted; commits to a tag are refused", async () => {
    // huggingface_hub's create_tag: POST tag/<revision> {tag, message?}
    assert.equal((await api("POST", "tag/main", { tag: "v1" })).status, 200);
    assert.equal(await refOf(hub, repo, "refs/tags/v1"), main);
    assert.equal((await api("POST", `tag/${main}`, { tag: "v1" })).status, 409);
    assert.equal((await api("POST", "tag/v1", { tag: "v1.1", message: "Release 1.1" })).status, 200);
    const dir = modelRepoDir(hub, repo);
    assert.equal((await runGit(["cat-file", "-t", "refs/tags/v1.1"], { cwd: dir })).trim(), "tag");
    assert.equal((await runGit(["tag", "-l", "--format=%(contents:subject)|%(taggername)", "v1.1"], { cwd: dir })).trim(), "Release 1.1|alice");
    assert.equal(await refOf(hub, repo, "refs/tags/v1.1"), main);

    assert.equal((await postCommit(hub, alice, repo, [header(), fileLine("x", "x")], { revision: "v1" })).status, 400);
    assert.equal((await api("DELETE", "tag/v1")).status, 200);
    assert.equal(await refOf(hub, repo, "refs/tags/v1"), undefined);
    assert.equal((await api("DELETE", "tag/v1")).status, 404);
    assert.equal((await api("POST", "tag/nope", { tag: "v2" })).status, 404);
    assert.equal((await api("POST", "tag/main", { tag: "bad..name" })).status, 400);
  });
});
