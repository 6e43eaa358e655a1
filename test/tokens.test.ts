import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HubApiError, listModels, uploadFile, whoAmI } from "@huggingface/hub";
import { addOrgMember, answer, api, createOrg, createRepo, scopedToken, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";

describe("tokens: management API, fine-grained scopes, expiry and revocation", () => {
  let hub: TestHub;
  let alice: string; // write token
  let bob: string;

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    bob = await hub.user("bob");
    await createOrg(hub, alice, "lab");
    await addOrgMember(hub, alice, "lab", "bob", "write");
    await createRepo(hub, alice, "private-a", { private: true });
    await createRepo(hub, alice, "private-b", { private: true });
    await createRepo(hub, alice, "public-a");
    await createRepo(hub, alice, "lab/team", { private: true });
  });
  after(() => hub.close());

  test("create, list and revoke: the secret is shown once, revocation refuses the token at once", async () => {
    const created = await api(hub, "POST", "/api/settings/tokens", alice, { name: "ci", role: "read" });
    assert.equal(created.status, 200);
    const body = (await created.json()) as { id: number; name: string; role: string; token: string; expiresAt: null };
    assert.match(body.token, /^hf_/);
    assert.equal(body.role, "read");
    assert.equal(body.expiresAt, null);
    assert.equal((await api(hub, "GET", "/api/models/alice/private-a", body.token)).status, 200);
    const list = (await (await api(hub, "GET", "/api/settings/tokens", alice)).json()) as Record<string, unknown>[];
    const listed = list.find((t) => t.id === body.id)!;
    assert.deepEqual(Object.keys(listed).sort(), ["createdAt", "expiresAt", "id", "lastUsedAt", "name", "role"]);
    assert.equal(typeof listed.lastUsedAt, "string", "the use above is recorded");
    assert.ok(!JSON.stringify(list).includes(body.token));
    assert.equal((await api(hub, "DELETE", `/api/settings/tokens/${body.id}`, alice)).status, 200);
    const after = await api(hub, "GET", "/api/models/alice/public-a", body.token);
    assert.equal(after.status, 401);
    assert.equal((await api(hub, "DELETE", `/api/settings/tokens/${body.id}`, alice)).status, 404);
  });

  test("only a write token (or a web session) manages tokens, and only its user's", async () => {
    const read = await hub.token("alice", "read");
    assert.equal((await api(hub, "GET", "/api/settings/tokens", read)).status, 403);
    assert.equal((await api(hub, "POST", "/api/settings/tokens", read, { name: "x", role: "write" })).status, 403);
    assert.equal((await api(hub, "GET", "/api/settings/tokens")).status, 401);
    const fg = await scopedToken(hub, alice, [{ entity: { type: "user", name: "alice" }, permissions: ["repo.write"] }]);
    assert.equal((await api(hub, "POST", "/api/settings/tokens", fg, { name: "x", role: "write" })).status, 403);
    const mine = (await (await api(hub, "GET", "/api/settings/tokens", alice)).json()) as { id: number }[];
    // Bob cannot revoke Alice's tokens: not found, as if it did not exist.
    assert.equal((await api(hub, "DELETE", `/api/settings/tokens/${mine[0]!.id}`, bob)).status, 404);
  });

  test("token input is validated", async () => {
    const bad = [
      { name: "", role: "read" },
      { name: "x", role: "admin" },
      { name: "x", role: "read", expiresAt: "yesterday" },
      { name: "x", role: "read", expiresAt: "2001-01-01T00:00:00Z" },
      { name: "x", role: "fineGrained" },
      { name: "x", role: "fineGrained", scoped: [] },
      { name: "x", role: "read", scoped: [{ entity: { type: "user", name: "alice" }, permissions: ["repo.write"] }] },
      { name: "x", role: "fineGrained", scoped: [{ entity: { type: "user", name: "alice" }, permissions: ["repo.everything"] }] },
      { name: "x", role: "fineGrained", scoped: [{ entity: { type: "planet", name: "alice" }, permissions: ["repo.write"] }] },
      { name: "x", role: "fineGrained", scoped: [{ entity: { type: "model", name: "no-slash" }, permissions: ["repo.write"] }] },
    ];
    for (const b of bad) {
      const res = await api(hub, "POST", "/api/settings/tokens", alice, b);
      assert.equal(res.status, 400, JSON.stringify(b));
      assert.ok(res.headers.get("x-error-message"));
    }
    // Scopes over someone else's namespace, or an org one is not in, are refused.
    for (const entity of [{ type: "user", name: "bob" }, { type: "org", name: "not-mine" }, { type: "model", name: "bob/thing" }]) {
      const res = await api(hub, "POST", "/api/settings/tokens", alice, { name: "x", role: "fineGrained", scoped: [{ entity, permissions: ["repo.content.read"] }] });
      assert.equal(res.status, 403, JSON.stringify(entity));
    }
  });

  test("a fine-grained token reads and writes in scope; out of scope a private repo is missing and a public one read-only", async () => {
    const fg = await scopedToken(hub, alice, [{ entity: { type: "model", name: "alice/private-a" }, permissions: ["repo.write"] }]);
    // In scope: read and write with the official client.
    assert.equal((await api(hub, "GET", "/api/models/alice/private-a", fg)).status, 200);
    await uploadFile({ repo: "alice/private-a", file: { path: "in-scope.txt", content: new Blob(["ok"]) }, accessToken: fg, hubUrl: hub.url });
    // Out of scope, private: exactly what a missing repo answers.
    for (const [hidden, missing] of [
      ["/api/models/alice/private-b", "/api/models/alice/nothing"],
      ["/alice/private-b/resolve/main/.gitattributes", "/alice/nothing/resolve/main/.gitattributes"],
      ["/alice/private-b.git/info/refs?service=git-upload-pack", "/alice/nothing.git/info/refs?service=git-upload-pack"],
    ] as const) {
      assert.deepEqual(await answer(await api(hub, "GET", hidden, fg)), await answer(await api(hub, "GET", missing, fg)), hidden);
    }
    // Out of scope, public: readable, not writable.
    assert.equal((await api(hub, "GET", "/api/models/alice/public-a", fg)).status, 200);
    await assert.rejects(
      uploadFile({ repo: "alice/public-a", file: { path: "out.txt", content: new Blob(["no"]) }, accessToken: fg, hubUrl: hub.url }),
      (err: HubApiError) => err.statusCode === 403,
    );
    // It cannot create repos outside its scope either.
    assert.equal((await api(hub, "POST", "/api/repos/create", fg, { name: "new-one", type: "model" })).status, 403);
  });

  test("a read-only scope reads but does not write; an org scope covers the org's repos", async () => {
    const reader = await scopedToken(hub, alice, [{ entity: { type: "user", name: "alice" }, permissions: ["repo.content.read"] }]);
    assert.equal((await api(hub, "GET", "/api/models/alice/private-b", reader)).status, 200);
    assert.equal((await postCommit(hub, reader, "alice/private-b", [header(), fileLine("x.txt", "x")])).status, 403);
    assert.equal((await api(hub, "GET", "/api/models/lab/team", reader)).status, 404);
    const orgToken = await scopedToken(hub, bob, [{ entity: { type: "org", name: "lab" }, permissions: ["repo.write"] }]);
    assert.equal((await postCommit(hub, orgToken, "lab/team", [header(), fileLine("y.txt", "y")])).status, 200);
    assert.equal((await api(hub, "POST", "/api/repos/create", orgToken, { name: "lab/created-by-scope", type: "model" })).status, 200);
    assert.equal((await api(hub, "POST", "/api/repos/create", orgToken, { name: "bob-own", type: "model" })).status, 403);
  });

  test("listings with a fine-grained token show only the private repos in its scope", async () => {
    const fg = await scopedToken(hub, alice, [{ entity: { type: "model", name: "alice/private-a" }, permissions: ["repo.content.read"] }]);
    const names: string[] = [];
    for await (const m of listModels({ search: { owner: "alice" }, accessToken: fg, hubUrl: hub.url })) names.push(m.name);
    assert.deepEqual(names.sort(), ["alice/private-a", "alice/public-a"]);
  });

  test("whoAmI describes read, write and fine-grained tokens as the Hub does", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const scoped = [
      { entity: { type: "org" as const, name: "lab" }, permissions: ["repo.content.read" as const, "repo.write" as const] },
      { entity: { type: "model" as const, name: "alice/public-a" }, permissions: ["inference.serverless.write" as const] },
    ];
    const fg = await scopedToken(hub, alice, scoped, { name: "deploy", expiresAt });
    const me = await whoAmI({ accessToken: fg, hubUrl: hub.url });
    assert.equal(me.auth.accessToken?.role, "fineGrained" as never);
    assert.equal(me.auth.accessToken?.displayName, "deploy");
    const raw = me.auth as unknown as { expiresAt: string; accessToken: { fineGrained: { scoped: unknown; canReadGatedRepos: boolean } } };
    assert.deepEqual(raw.accessToken.fineGrained.scoped, scoped);
    assert.equal(raw.accessToken.fineGrained.canReadGatedRepos, false);
    assert.equal(raw.expiresAt, expiresAt);
    assert.equal((await whoAmI({ accessToken: alice, hubUrl: hub.url })).auth.accessToken?.role, "write");
    const plain = (await (await api(hub, "GET", "/api/whoami-v2", alice)).json()) as { auth: { accessToken: Record<string, unknown>; expiresAt?: string } };
    assert.equal(plain.auth.accessToken.fineGrained, undefined);
    assert.equal(plain.auth.expiresAt, undefined);
  });

  test("an expired token is refused as soon as it expires", async () => {
    const res = await api(hub, "POST", "/api/settings/tokens", alice, { name: "short", role: "read", expiresAt: new Date(Date.now() + 1500).toISOString() });
    const { token } = (await res.json()) as { token: string };
    assert.equal((await api(hub, "GET", "/api/whoami-v2", token)).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const refused = await api(hub, "GET", "/api/whoami-v2", token);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get("x-error-message") ?? "", /expired/);
  });

  test("inference needs the inference permission on a fine-grained token", async () => {
    // No GGUF in the repo: a permitted caller gets model_not_found, a token without the permission 403 first.
    const call = (token: string) =>
      api(hub, "POST", "/v1/chat/completions", token, { model: "alice/public-a", messages: [{ role: "user", content: "hi" }] });
    const without = await scopedToken(hub, alice, [{ entity: { type: "user", name: "alice" }, permissions: ["repo.write"] }]);
    const res = await call(without);
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /inference\.serverless\.write/);
    const withIt = await scopedToken(hub, alice, [{ entity: { type: "model", name: "alice/public-a" }, permissions: ["inference.serverless.write"] }]);
    assert.equal((await call(withIt)).status, 404);
    assert.equal((await call(alice)).status, 404);
  });

  test("modelport token create's service takes an expiry and rejects a past one", async () => {
    const { info } = await hub.hub.services.accounts.createToken("bob", { role: "read", expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    assert.ok(info.expiresAt);
    await assert.rejects(hub.hub.services.accounts.createToken("bob", { role: "read", expiresAt: "2000-01-01T00:00:00Z" }), /future/);
  });
});
