import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HubApiError, repoExists, whoAmI } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/** whoami-v2 (hf-hub-protocol.md §4.7) and auth-check (§4.8) through @huggingface/hub and plain fetch. */
describe("whoami and auth-check", () => {
  let hub: TestHub;
  let alice: string;
  let aliceRead: string;
  let bob: string;

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    aliceRead = await hub.token("alice", "read");
    bob = await hub.user("bob");
    await createRepo(hub, alice, "open");
    await createRepo(hub, alice, "closed", { private: true });
  });
  after(() => hub.close());

  const get = (path: string, token?: string) =>
    fetch(`${hub.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test("whoAmI reports the user and the token it was called with", async () => {
    const before = Date.now();
    const me = await whoAmI({ accessToken: alice, hubUrl: hub.url });
    assert.equal(me.type, "user");
    assert.equal(me.name, "alice");
    if (me.type !== "user") return;
    assert.deepEqual(me.orgs, []);
    assert.equal(typeof me.id, "string");
    assert.equal(me.auth.type, "access_token");
    assert.equal(me.auth.accessToken?.role, "write");
    assert.equal(me.auth.accessToken?.displayName, "write token");
    // The client turns createdAt into a Date; it must be a real time, not an Invalid Date.
    const created = me.auth.accessToken!.createdAt;
    assert.ok(created instanceof Date && created.getTime() <= Date.now() && created.getTime() > before - 60_000);
  });

  test("a read token reports the read role", async () => {
    const me = await whoAmI({ accessToken: aliceRead, hubUrl: hub.url });
    assert.equal(me.auth.accessToken?.role, "read");
  });

  test("whoami-v2 without a token or with a bad one is 401 with the Hub's message", async () => {
    for (const token of [undefined, "hf_not_a_real_token"]) {
      const res = await get("/api/whoami-v2", token);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("x-error-message"), "Invalid credentials in Authorization header");
      assert.deepEqual(await res.json(), { error: "Invalid credentials in Authorization header" });
    }
    await assert.rejects(whoAmI({ accessToken: "hf_not_a_real_token", hubUrl: hub.url }), (err: HubApiError) => err.statusCode === 401);
  });

  test("auth-check passes for readers of a public repo, anonymous ones included", async () => {
    for (const token of [undefined, bob, alice]) assert.equal((await get("/api/models/alice/open/auth-check", token)).status, 200);
  });

  test("auth-check on a private repo passes for its owner and answers others exactly like a missing repo", async () => {
    assert.equal((await get("/api/models/alice/closed/auth-check", alice)).status, 200);
    for (const token of [undefined, bob]) {
      const hidden = await get("/api/models/alice/closed/auth-check", token);
      const missing = await get("/api/models/alice/nothing-here/auth-check", token);
      assert.equal(hidden.status, missing.status);
      assert.equal(hidden.status, token ? 404 : 401);
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
      assert.equal(missing.headers.get("x-error-code"), "RepoNotFound");
      assert.equal(hidden.headers.get("x-error-message"), missing.headers.get("x-error-message"));
    }
  });

  test("auth-check/write passes for a write token of the owner only", async () => {
    assert.equal((await get("/api/models/alice/open/auth-check/write", alice)).status, 200);
    assert.equal((await get("/api/models/alice/open/auth-check/write", aliceRead)).status, 403);
    assert.equal((await get("/api/models/alice/open/auth-check/write", bob)).status, 403);
    assert.equal((await get("/api/models/alice/open/auth-check/write")).status, 401);
    const hidden = await get("/api/models/alice/closed/auth-check/write", bob);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
  });

  test("auth-check on a gated repo answers GatedRepo to those without access: 401 anonymous, 403 signed in", async () => {
    await createRepo(hub, alice, "gated");
    const set = await fetch(`${hub.url}/api/models/alice/gated/settings`, {
      method: "PUT",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body: JSON.stringify({ gated: "auto" }),
    });
    assert.equal(set.status, 200);
    assert.equal((await get("/api/models/alice/gated/auth-check", alice)).status, 200);
    const anonymous = await get("/api/models/alice/gated/auth-check");
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get("x-error-code"), "GatedRepo");
    const other = await get("/api/models/alice/gated/auth-check", bob);
    assert.equal(other.status, 403);
    assert.equal(other.headers.get("x-error-code"), "GatedRepo");
  });

  test("repoExists sees public repos, and private ones only with the owner's token", async () => {
    assert.equal(await repoExists({ repo: "alice/open", hubUrl: hub.url }), true);
    assert.equal(await repoExists({ repo: "alice/closed", hubUrl: hub.url }), false);
    assert.equal(await repoExists({ repo: "alice/closed", hubUrl: hub.url, accessToken: bob }), false);
    assert.equal(await repoExists({ repo: "alice/closed", hubUrl: hub.url, accessToken: alice }), true);
    assert.equal(await repoExists({ repo: "alice/nothing-here", hubUrl: hub.url }), false);
  });
});
