import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { snapshotDownload, uploadFiles } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/**
 * Likes (huggingface_hub `like`/`unlike`/`list_liked_repos`/`list_repo_likers`)
 * and download counting: one per snapshot, on the Hub's query files.
 */
describe("likes and downloads", () => {
  let hub: TestHub;
  const tokens: Record<string, string> = {};
  let readOnly: string;

  const call = (method: string, url: string, as?: string) =>
    fetch(`${hub.url}${url}`, { method, headers: as ? { authorization: `Bearer ${tokens[as] ?? as}` } : {} });
  const json = async (method: string, url: string, as?: string) => {
    const res = await call(method, url, as);
    assert.equal(res.status, 200, `${method} ${url}: ${res.status} ${res.headers.get("x-error-message")}`);
    return res.json() as Promise<any>;
  };
  const info = (repo: string, as?: string) => json("GET", `/api/models/${repo}`, as);

  before(async () => {
    hub = await startHub();
    for (const name of ["alice", "bob", "carol"]) tokens[name] = await hub.user(name);
    readOnly = await hub.token("carol", "read");
    await createRepo(hub, tokens.alice!, "model");
    await createRepo(hub, tokens.alice!, "secret", { private: true });
    await createRepo(hub, tokens.alice!, "weights");
    await createRepo(hub, tokens.bob!, "data", { type: "dataset" });
    await uploadFiles({
      repo: "alice/model",
      accessToken: tokens.alice,
      hubUrl: hub.url,
      files: [
        { path: "README.md", content: new Blob(["# model\n"]) },
        { path: "config.json", content: new Blob([JSON.stringify({ model_type: "llama" })]) },
        { path: "tokenizer.json", content: new Blob(["{}"]) },
        { path: "model.safetensors", content: new Blob([Buffer.alloc(2048, 1)]) },
      ],
    });
    await uploadFiles({
      repo: "alice/weights",
      accessToken: tokens.alice,
      hubUrl: hub.url,
      files: [
        { path: "README.md", content: new Blob(["---\nlibrary_name: gguf\n---\n"]) },
        { path: "a.gguf", content: new Blob(["not a real gguf"]) },
      ],
    });
  });
  after(async () => {
    await hub?.close();
  });

  test("a signed-in user likes and unlikes a repo; both are idempotent and counted", async () => {
    assert.deepEqual(await json("POST", "/api/models/alice/model/like", "bob"), {});
    assert.deepEqual(await json("POST", "/api/models/alice/model/like", "bob"), {});
    assert.deepEqual(await json("POST", "/api/models/alice/model/like", "carol"), {});
    assert.equal((await info("alice/model")).likes, 2);
    assert.equal((await info("alice/model", "bob")).isLikedByUser, true);
    assert.equal((await info("alice/model", "alice")).isLikedByUser, false);
    assert.equal((await info("alice/model")).isLikedByUser, undefined);

    assert.deepEqual(await json("DELETE", "/api/models/alice/model/like", "carol"), {});
    assert.deepEqual(await json("DELETE", "/api/models/alice/model/like", "carol"), {});
    assert.equal((await info("alice/model")).likes, 1);
    assert.equal((await info("alice/model", "carol")).isLikedByUser, false);
  });

  test("anonymous callers and read-only tokens cannot like; unseen repos answer like missing ones", async () => {
    const anon = await call("POST", "/api/models/alice/model/like");
    assert.equal(anon.status, 401);
    const read = await call("POST", "/api/models/alice/model/like", readOnly);
    assert.equal(read.status, 403);
    const hidden = await call("POST", "/api/models/alice/secret/like", "bob");
    assert.equal(hidden.status, 404);
    assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
    const missing = await call("POST", "/api/models/alice/nope/like", "bob");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-error-code"), "RepoNotFound");
  });

  test("a user's likes list newest first, without repos the caller cannot see; likers list who likes", async () => {
    await json("POST", "/api/models/alice/secret/like", "alice");
    await json("POST", "/api/datasets/bob/data/like", "alice");
    await json("POST", "/api/models/alice/model/like", "alice");
    const own = (await json("GET", "/api/users/alice/likes", "alice")) as { createdAt: string; repo: { name: string; type: string } }[];
    assert.deepEqual(own.map((l) => l.repo), [
      { name: "alice/model", type: "model" },
      { name: "bob/data", type: "dataset" },
      { name: "alice/secret", type: "model" },
    ]);
    assert.ok(own.every((l) => !Number.isNaN(Date.parse(l.createdAt))));
    const seenByBob = (await json("GET", "/api/users/alice/likes", "bob")) as { repo: { name: string } }[];
    assert.deepEqual(seenByBob.map((l) => l.repo.name), ["alice/model", "bob/data"]);
    assert.equal((await call("GET", "/api/users/nobody/likes")).status, 404);

    const likers = (await json("GET", "/api/models/alice/model/likers")) as { user: string; fullname: string }[];
    assert.deepEqual(likers.map((u) => u.user), ["alice", "bob"]);
    assert.equal((await call("GET", "/api/models/alice/secret/likers", "bob")).status, 404);
    assert.deepEqual(((await json("GET", "/api/models/alice/secret/likers", "alice")) as { user: string }[]).map((u) => u.user), ["alice"]);
  });

  test("a snapshot through @huggingface/hub counts one download, not one per file", async () => {
    const before = await info("alice/model");
    const cacheDir = await mkdtemp(path.join(tmpdir(), "modelport-snap-"));
    try {
      await snapshotDownload({ repo: "alice/model", hubUrl: hub.url, cacheDir, accessToken: tokens.carol });
      await hub.hub.services.downloads.flush();
      const after1 = await info("alice/model");
      assert.equal(after1.downloads - before.downloads, 1);
      assert.equal(after1.downloadsAllTime - before.downloadsAllTime, 1);
      // The same client fetching again within minutes is the same download.
      await rm(cacheDir, { recursive: true, force: true });
      await snapshotDownload({ repo: "alice/model", hubUrl: hub.url, cacheDir, accessToken: tokens.carol });
      await hub.hub.services.downloads.flush();
      assert.equal((await info("alice/model")).downloads - before.downloads, 1);
      // Another client's snapshot is another download.
      await rm(cacheDir, { recursive: true, force: true });
      await snapshotDownload({ repo: "alice/model", hubUrl: hub.url, cacheDir, accessToken: tokens.bob });
      await hub.hub.services.downloads.flush();
      const after2 = await info("alice/model");
      assert.equal(after2.downloads - before.downloads, 2);
      assert.ok(after2.trendingScore > before.trendingScore);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  test("files that are not query files do not count; a library's own query files do", async () => {
    const before = (await info("alice/model")).downloads;
    for (const file of ["README.md", "tokenizer.json", "model.safetensors"]) {
      const res = await call("GET", `/alice/model/resolve/main/${file}`, "alice");
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const missing = await call("GET", "/alice/model/resolve/main/nope.json", "alice");
    assert.equal(missing.status, 404);
    await hub.hub.services.downloads.flush();
    assert.equal((await info("alice/model")).downloads, before);

    // A GGUF repo counts its .gguf files (HEAD counts too, as on the Hub), anonymous callers included.
    const head = await call("HEAD", "/alice/weights/resolve/main/a.gguf");
    assert.equal(head.status, 200);
    await hub.hub.services.downloads.flush();
    assert.equal((await info("alice/weights")).downloads, 1);
  });

  test("a dataset download counts; the trending order follows recent downloads and likes", async () => {
    const res = await call("GET", "/datasets/bob/data/resolve/main/.gitattributes", "carol");
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await hub.hub.services.downloads.flush();
    const data = await json("GET", "/api/datasets/bob/data");
    assert.equal(data.downloads, 1);

    // A full recount (as runs hourly) gives the same scores as the running totals.
    const scores = async () => ((await json("GET", "/api/models?sort=trendingScore")) as any[]).map((m) => [m.id, m.trendingScore]);
    const running = await scores();
    await hub.hub.services.downloads.recount();
    assert.deepEqual(await scores(), running);
    assert.deepEqual(running.map(([id]) => id), ["alice/model", "alice/weights"]);
  });
});
