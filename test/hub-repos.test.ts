import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createRepo, deleteRepo, HubApiError } from "@huggingface/hub";
import { startHub, type TestHub } from "./support/hub.js";

/** Repo create and delete through the official @huggingface/hub client. */
describe("repo lifecycle with @huggingface/hub", () => {
  let hub: TestHub;
  let token: string;
  let readToken: string;

  before(async () => {
    hub = await startHub();
    token = await hub.user("alice");
    readToken = await hub.token("alice", "read");
  });
  after(() => hub.close());

  test("createRepo makes a model, a dataset and a private space, each a bare repo on disk", async () => {
    const model = await createRepo({ repo: "alice/tiny", accessToken: token, hubUrl: hub.url });
    assert.equal(model.repoUrl, `${hub.url}/alice/tiny`);
    const dataset = await createRepo({ repo: { type: "dataset", name: "alice/corpus" }, accessToken: token, hubUrl: hub.url });
    assert.equal(dataset.repoUrl, `${hub.url}/datasets/alice/corpus`);
    await createRepo({ repo: { type: "space", name: "alice/demo" }, private: true, accessToken: token, hubUrl: hub.url, sdk: "static" });
    for (const dir of ["models/alice/tiny.git", "datasets/alice/corpus.git", "spaces/alice/demo.git"]) {
      await access(path.join(hub.dataDir, "repos", dir, "HEAD"));
    }
  });

  test("creating a repo that exists is a 409, as huggingface_hub's exist_ok expects", async () => {
    await createRepo({ repo: "alice/twice", accessToken: token, hubUrl: hub.url });
    await assert.rejects(createRepo({ repo: "alice/twice", accessToken: token, hubUrl: hub.url }), (err: HubApiError) => {
      assert.equal(err.statusCode, 409);
      return true;
    });
    // huggingface_hub's create_repo(exist_ok=True) returns the `url` of the 409's body.
    const again = await fetch(`${hub.url}/api/repos/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "twice", organization: "alice", type: "dataset" }),
    });
    assert.equal(again.status, 200);
    const conflict = await fetch(`${hub.url}/api/repos/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "twice", organization: "alice", type: "dataset" }),
    });
    assert.equal(conflict.status, 409);
    assert.deepEqual(await conflict.json(), { error: "You already created this dataset repo", url: `${hub.url}/datasets/alice/twice` });
  });

  test("a read token cannot create, and nobody can create in someone else's namespace", async () => {
    await assert.rejects(createRepo({ repo: "alice/nope", accessToken: readToken, hubUrl: hub.url }), (err: HubApiError) => err.statusCode === 403);
    await assert.rejects(createRepo({ repo: "bob/nope", accessToken: token, hubUrl: hub.url }), (err: HubApiError) => err.statusCode === 403);
  });

  test("deleteRepo removes the repo and its folder; deleting it again is 404 RepoNotFound", async () => {
    await createRepo({ repo: "alice/short-lived", accessToken: token, hubUrl: hub.url });
    await deleteRepo({ repo: "alice/short-lived", accessToken: token, hubUrl: hub.url });
    await assert.rejects(access(path.join(hub.dataDir, "repos", "models", "alice", "short-lived.git")));
    const res = await fetch(`${hub.url}/api/repos/delete`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "short-lived", organization: "alice", type: "model" }),
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-error-code"), "RepoNotFound");
    // The name is free again.
    await createRepo({ repo: "alice/short-lived", accessToken: token, hubUrl: hub.url });
  });

  test("anonymous create is 401 and carries the Hub's error headers", async () => {
    const res = await fetch(`${hub.url}/api/repos/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "anon" }),
    });
    assert.equal(res.status, 401);
    assert.ok(res.headers.get("x-error-message"));
    assert.ok(res.headers.get("x-request-id"));
    assert.deepEqual(Object.keys((await res.json()) as object), ["error"]);
  });
});
