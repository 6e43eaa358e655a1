import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { downloadFile, fileDownloadInfo, HubApiError, listFiles, modelInfo, repoExists } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/** Status, headers and body of a response, without what differs per request. */
async function snapshot(res: Response): Promise<{ status: number; headers: [string, string][]; body: string }> {
  const headers = [...res.headers].filter(([k]) => k !== "x-request-id" && k !== "date");
  return { status: res.status, headers, body: await res.text() };
}

/** A request with the path sent exactly as written (fetch would normalise `..` and `%2E`). */
function rawRequest(base: string, path: string, method = "GET"): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The error answers of the read endpoints, as huggingface_hub and @huggingface/hub map them (hf-hub-protocol.md §1.7). */
describe("read API errors", () => {
  let hub: TestHub;
  let alice: string;
  let bob: string;
  let head = "";

  /** One URL per read endpoint, for repo `name` of alice. */
  const endpoints = (name: string) => [
    { method: "GET", url: `/alice/${name}/resolve/main/.gitattributes` },
    { method: "HEAD", url: `/alice/${name}/resolve/main/.gitattributes` },
    { method: "HEAD", url: `/alice/${name}/raw/main/.gitattributes` },
    { method: "GET", url: `/api/models/alice/${name}` },
    { method: "GET", url: `/api/models/alice/${name}/revision/main?expand=sha` },
    { method: "GET", url: `/api/models/alice/${name}/tree/main?recursive=true` },
    { method: "POST", url: `/api/models/alice/${name}/paths-info/main`, body: '{"paths":[".gitattributes"]}' },
    { method: "GET", url: `/api/models/alice/${name}/refs` },
    { method: "GET", url: `/api/models/alice/${name}/commits/main` },
  ];
  const call = (e: { method: string; url: string; body?: string }, token?: string) =>
    fetch(`${hub.url}${e.url}`, {
      method: e.method,
      body: e.body,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(e.body ? { "content-type": "application/json" } : {}) },
    });

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    bob = await hub.user("bob");
    await createRepo(hub, alice, "public");
    await createRepo(hub, alice, "secret", { private: true });
    await createRepo(hub, alice, "gated");
    // Gating is a repo setting (PUT …/settings); set it directly here to test the read side alone.
    await hub.hub.db.kysely.updateTable("repos").set({ gated: "manual" }).where("name", "=", "gated").execute();
    head = (await fetch(`${hub.url}/api/models/alice/public?expand=sha`).then((r) => r.json()) as { sha: string }).sha;
  });
  after(() => hub.close());

  test("a missing repo is 401 RepoNotFound when anonymous and 404 RepoNotFound when signed in, on every read endpoint", async () => {
    for (const e of endpoints("missing")) {
      const anon = await call(e);
      assert.equal(anon.status, 401, e.url);
      assert.equal(anon.headers.get("x-error-code"), "RepoNotFound", e.url);
      assert.equal(anon.headers.get("x-error-message"), "Repository not found", e.url);
      assert.match(anon.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/, e.url);
      const signed = await call(e, bob);
      assert.equal(signed.status, 404, e.url);
      assert.equal(signed.headers.get("x-error-code"), "RepoNotFound", e.url);
    }
  });

  test("a private repo answers an anonymous caller exactly like a missing repo", async () => {
    for (const e of endpoints("secret")) {
      const missing = e.url.replace("/secret", "/missing");
      assert.deepEqual(await snapshot(await call(e)), await snapshot(await call({ ...e, url: missing })), e.url);
    }
  });

  test("a private repo answers another user exactly like a missing repo, and its owner normally", async () => {
    for (const e of endpoints("secret")) {
      const missing = e.url.replace("/secret", "/missing");
      assert.deepEqual(await snapshot(await call(e, bob)), await snapshot(await call({ ...e, url: missing }, bob)), e.url);
      assert.equal((await call(e, alice)).status, 200, e.url);
    }
  });

  test("the JS client raises HubApiError for a repo it cannot see, and repoExists says false", async () => {
    await assert.rejects(modelInfo({ name: "alice/secret", hubUrl: hub.url }), (err: HubApiError) => {
      assert.ok(err instanceof HubApiError);
      assert.equal(err.statusCode, 401);
      assert.match(err.message, /Repository not found/);
      assert.ok(err.requestId);
      return true;
    });
    await assert.rejects(downloadFile({ repo: "alice/secret", path: ".gitattributes", hubUrl: hub.url, accessToken: bob }), (err: HubApiError) => err.statusCode === 404);
    assert.equal(await repoExists({ repo: "alice/secret", hubUrl: hub.url }), false);
    assert.equal(await repoExists({ repo: "alice/secret", hubUrl: hub.url, accessToken: alice }), true);
  });

  test("a missing file is 404 EntryNotFound with X-Repo-Commit; the JS client answers null", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await fetch(`${hub.url}/alice/public/resolve/main/nope.bin`, { method });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get("x-error-code"), "EntryNotFound");
      assert.ok(res.headers.get("x-error-message"));
      assert.equal(res.headers.get("x-repo-commit"), head);
    }
    assert.equal(await fileDownloadInfo({ repo: "alice/public", path: "nope.bin", hubUrl: hub.url }), null);
    assert.equal(await downloadFile({ repo: "alice/public", path: "nope.bin", hubUrl: hub.url }), null);
  });

  test("a missing revision is 404 RevisionNotFound on download, info, tree and commits", async () => {
    for (const url of [
      "/alice/public/resolve/nope/.gitattributes",
      "/alice/public/raw/refs%2Fpr%2F9/.gitattributes",
      "/api/models/alice/public/revision/nope",
      "/api/models/alice/public/tree/nope",
      "/api/models/alice/public/commits/0123456789abcdef0123456789abcdef01234567",
    ]) {
      const res = await fetch(`${hub.url}${url}`);
      assert.equal(res.status, 404, url);
      assert.equal(res.headers.get("x-error-code"), "RevisionNotFound", url);
      assert.match(res.headers.get("x-error-message") ?? "", /^Invalid rev id: /, url);
    }
    await assert.rejects(modelInfo({ name: "alice/public", revision: "nope", hubUrl: hub.url }), (err: HubApiError) => err.statusCode === 404);
  });

  test("revision syntax is never handed to git: ranges, ancestry and object paths are unknown revisions", async () => {
    for (const rev of ["main~1", "main%5E", "main%3A.gitattributes", "main..main", "-p", "HEAD%40%7B0%7D"]) {
      const res = await fetch(`${hub.url}/alice/public/resolve/${rev}/.gitattributes`);
      assert.equal(res.headers.get("x-error-code"), "RevisionNotFound", rev);
    }
  });

  test("a gated repo's files are 401 GatedRepo anonymously and 403 GatedRepo for others; its info and tree stay readable", async () => {
    // /raw serves every file as stored, so it stays gated for all of them (README.md and .gitattributes stay open on /resolve only).
    const url = `${hub.url}/alice/gated/raw/main/.gitattributes`;
    const anon = await fetch(url);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("x-error-code"), "GatedRepo");
    const other = await fetch(url, { headers: { authorization: `Bearer ${bob}` } });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get("x-error-code"), "GatedRepo");
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${alice}` } })).status, 200);
    assert.equal((await fetch(`${hub.url}/alice/gated/resolve/main/.gitattributes`)).status, 200, "as on huggingface.co");
    const info = (await (await fetch(`${hub.url}/api/models/alice/gated`)).json()) as { gated: unknown };
    assert.equal(info.gated, "manual");
    const tree = await fetch(`${hub.url}/api/models/alice/gated/tree/main`);
    assert.equal(tree.status, 200);
  });

  test("paths with '..', '.git', NUL or backslashes are 400 on download, tree and paths-info", async () => {
    for (const path of [
      "/alice/public/resolve/main/a/../.gitattributes",
      "/alice/public/resolve/main/a/%2E%2E/.gitattributes",
      "/alice/public/resolve/main/.git/config",
      "/alice/public/raw/main/.gitattributes%00",
      "/alice/public/resolve/main/a%5C.gitattributes",
      "/api/models/alice/public/tree/main/..%2F..",
    ]) {
      const res = await rawRequest(hub.url, path);
      assert.equal(res.status, 400, path);
      assert.match(String(res.headers["x-error-message"]), /Invalid path/, path);
    }
    const res = await fetch(`${hub.url}/api/models/alice/public/paths-info/main`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ paths: ["../../etc/passwd"] }),
    });
    assert.equal(res.status, 400);
  });

  test("malformed percent-encoding is a 400", async () => {
    for (const path of ["/alice/public/resolve/main/%ZZ", "/alice/public/resolve/ma%E0in/.gitattributes", "/api/models/alice/public/tree/main/%"]) {
      assert.equal((await rawRequest(hub.url, path)).status, 400, path);
    }
  });

  test("listFiles on a missing folder raises the 404 as HubApiError", async () => {
    await assert.rejects(
      (async () => {
        for await (const _ of listFiles({ repo: "alice/public", path: "absent", hubUrl: hub.url })) void _;
      })(),
      (err: HubApiError) => err.statusCode === 404,
    );
  });
});
