import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Fastify from "fastify";
import { registerWebApp } from "../src/http/web/web-app.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/**
 * How the hub serves the web app (needs `npm run build:web`): page URLs get
 * index.html, bundles are cached for good, and no API, git, LFS or download
 * route is shadowed by a page.
 */
describe("serving the web app", () => {
  let hub: TestHub;
  let alice: string;

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    await createRepo(hub, alice, "open");
    await createRepo(hub, alice, "closed", { private: true });
    await createRepo(hub, alice, "data", { type: "dataset" });
  });
  after(() => hub.close());

  const get = (path: string, init: RequestInit = {}) => fetch(`${hub.url}${path}`, init);

  test("page URLs answer the app's index.html, revalidated on each visit", async () => {
    for (const path of ["/", "/models", "/datasets?sort=likes", "/login", "/join", "/new", "/settings/tokens", "/alice", "/alice/open", "/alice/open/tree/main/sub/dir", "/alice/open/blob/main/README.md", "/alice/open/edit/main/README.md", "/alice/open/upload/main", "/datasets/alice/data", "/models/alice/open"]) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, path);
      assert.equal(res.headers.get("cache-control"), "no-cache", path);
      assert.match(await res.text(), /<div id="root"><\/div>/, path);
    }
  });

  test("bundles are served with a year-long immutable cache; unknown ones are the hub's 404", async () => {
    const html = await (await get("/")).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "index.html names its bundle");
    const res = await get(script);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(res.headers.get("content-type") ?? "", /^text\/javascript/);
    const head = await get(script, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), res.headers.get("content-length"));
    for (const path of ["/assets/nope.js", "/assets/..%2Fpackage.json", "/assets/.hidden"]) assert.equal((await get(path)).status, 404, path);
  });

  test("a repo page the caller may not see answers 404 (the page itself shows the app's 404)", async () => {
    assert.equal((await get("/alice/closed")).status, 404);
    assert.equal((await get("/alice/closed/tree/main")).status, 404);
    assert.equal((await get("/alice/missing")).status, 404);
    assert.equal((await get("/datasets/alice/open")).status, 404, "a model is not a dataset");
    // The owner's token sees it.
    assert.equal((await get("/alice/closed", { headers: { authorization: `Bearer ${alice}` } })).status, 200);
  });

  test("API, git, downloads and /v1 keep their own answers", async () => {
    const api404 = await get("/api/nope/deeper");
    assert.equal(api404.status, 404);
    assert.deepEqual(await api404.json(), { error: "No route for GET /api/nope/deeper" });
    const refs = await get("/alice/open.git/info/refs?service=git-upload-pack");
    assert.equal(refs.status, 200);
    assert.equal(refs.headers.get("content-type"), "application/x-git-upload-pack-advertisement");
    assert.equal((await get("/alice/open/info/refs")).status, 400, "git's own refusal of dumb HTTP");
    const resolve = await get("/alice/open/resolve/main/.gitattributes");
    assert.equal(resolve.status, 200);
    assert.doesNotMatch(await resolve.text(), /<html/);
    assert.equal((await get("/alice/open/resolve/main/nope.txt")).headers.get("x-error-code"), "EntryNotFound");
    assert.equal((await get("/alice/open/git-upload-pack")).status, 404);
    assert.equal((await get("/alice/open/..%2F..%2F/info/refs?service=git-upload-pack")).status, 404);
    assert.equal((await get("/v1/models")).status, 200);
    assert.equal((await get("/health")).status, 200);
    for (const path of ["/favicon.ico", "/robots.txt", "/api", "/v1"]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get("content-type") ?? "", /json/, path);
    }
  });

  test("without a built app, pages answer 503 saying how to build it", async () => {
    const app = Fastify();
    registerWebApp(app, hub.hub.services, "/nonexistent/web");
    const res = await app.inject({ method: "GET", url: "/login" });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
    await app.close();
  });
});
