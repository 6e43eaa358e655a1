import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createRepo as hubCreateRepo, HubApiError, listModels, whoAmI } from "@huggingface/hub";
import { sql } from "kysely";
import { authUrl, GitCli } from "./support/git-cli.js";
import { addOrgMember, answer, api, createOrg, createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";
import { freshPostgresDatabase } from "./support/postgres.js";

describe("organizations: roles, org repos and visibility", () => {
  let hub: TestHub;
  let git: GitCli;
  let owner: string; // admin of acme
  let reader: string; // read member
  let contributor: string;
  let writer: string;
  let stranger: string;

  before(async () => {
    hub = await startHub();
    git = await GitCli.create();
    owner = await hub.user("olga");
    reader = await hub.user("rita");
    contributor = await hub.user("carl");
    writer = await hub.user("wes");
    stranger = await hub.user("sam");
    await createOrg(hub, owner, "acme");
    await addOrgMember(hub, owner, "acme", "rita", "read");
    await addOrgMember(hub, owner, "acme", "carl", "contributor");
    await addOrgMember(hub, owner, "acme", "wes", "write");
  });
  after(async () => {
    await git.dispose();
    await hub.close();
  });

  test("a name is a user or an organization, never both — the database refuses the second", async () => {
    const taken = await api(hub, "POST", "/api/organizations", owner, { name: "sam" });
    assert.equal(taken.status, 409);
    assert.match(taken.headers.get("x-error-message") ?? "", /already taken/);
    await assert.rejects(hub.hub.services.accounts.createUser({ name: "acme" }), /already exists/);
    // Even SQL that bypasses the services cannot create a user named like an org.
    await assert.rejects(
      sql`insert into users (name, fullname, is_admin, created_at) values ('acme', 'x', 0, '2026-01-01T00:00:00Z')`.execute(hub.hub.db.kysely),
      /UNIQUE|unique/,
    );
    assert.equal((await api(hub, "POST", "/api/organizations", owner, { name: "acme" })).status, 409);
  });

  test("organization input is validated", async () => {
    assert.equal((await api(hub, "POST", "/api/organizations", owner, { name: "bad name!" })).status, 400);
    assert.equal((await api(hub, "POST", "/api/organizations", undefined, { name: "anon-org" })).status, 401);
    const readToken = await hub.token("olga", "read");
    assert.equal((await api(hub, "POST", "/api/organizations", readToken, { name: "ro-org" })).status, 403);
    const badRole = await api(hub, "POST", "/api/organizations/acme/members", owner, { user: "sam", role: "owner" });
    assert.equal(badRole.status, 400);
    assert.match(badRole.headers.get("x-error-message") ?? "", /read, contributor, write, admin/);
    assert.equal((await api(hub, "POST", "/api/organizations/acme/members", owner, { user: "nobody-here", role: "read" })).status, 404);
    assert.equal((await api(hub, "POST", "/api/organizations/acme/members", owner, { user: "rita", role: "read" })).status, 409);
  });

  test("members and overview are listed with their roles; only org admins manage members", async () => {
    const members = (await (await api(hub, "GET", "/api/organizations/acme/members")).json()) as { user: string; role: string }[];
    assert.deepEqual(
      members.map((m) => [m.user, m.role]),
      [["carl", "contributor"], ["olga", "admin"], ["rita", "read"], ["wes", "write"]],
    );
    const overview = (await (await api(hub, "GET", "/api/organizations/acme/overview")).json()) as Record<string, unknown>;
    assert.equal(overview.name, "acme");
    assert.equal(overview.numUsers, 4);
    assert.equal((await api(hub, "GET", "/api/organizations/nope/overview")).status, 404);
    for (const token of [writer, reader, stranger]) {
      assert.equal((await api(hub, "POST", "/api/organizations/acme/members", token, { user: "sam", role: "read" })).status, 403);
    }
    const me = (await (await api(hub, "GET", "/api/users/rita/overview")).json()) as { user: string; orgs: { name: string }[] };
    assert.equal(me.user, "rita");
    assert.deepEqual(me.orgs.map((o) => o.name), ["acme"]);
  });

  test("the last admin cannot be demoted or removed", async () => {
    const res = await api(hub, "PUT", "/api/organizations/acme/members/olga/role", owner, { role: "write" });
    assert.equal(res.status, 409);
    assert.equal((await api(hub, "DELETE", "/api/organizations/acme/members/olga", owner)).status, 409);
  });

  test("whoAmI lists the user's organizations with roleInOrg", async () => {
    const me = await whoAmI({ accessToken: contributor, hubUrl: hub.url });
    assert.equal(me.type, "user");
    if (me.type !== "user") return;
    assert.deepEqual(
      me.orgs.map((o) => [o.name, (o as unknown as { roleInOrg: string }).roleInOrg, o.type]),
      [["acme", "contributor", "org"]],
    );
  });

  test("@huggingface/hub createRepo with name org/x: write and contributor members may, read members and strangers may not", async () => {
    await hubCreateRepo({ repo: { type: "model", name: "acme/by-writer" }, accessToken: writer, hubUrl: hub.url });
    await hubCreateRepo({ repo: { type: "model", name: "acme/by-contributor" }, accessToken: contributor, hubUrl: hub.url });
    for (const token of [reader, stranger]) {
      await assert.rejects(
        hubCreateRepo({ repo: { type: "model", name: "acme/refused" }, accessToken: token, hubUrl: hub.url }),
        (err: HubApiError) => err.statusCode === 403,
      );
    }
  });

  test("a contributor writes the repos they created and only reads the others", async () => {
    const own = await postCommit(hub, contributor, "acme/by-contributor", [header(), fileLine("a.txt", "mine")]);
    assert.equal(own.status, 200, await own.text());
    const other = await postCommit(hub, contributor, "acme/by-writer", [header(), fileLine("a.txt", "theirs")]);
    assert.equal(other.status, 403);
    const byWriter = await postCommit(hub, writer, "acme/by-contributor", [header(), fileLine("b.txt", "write role")]);
    assert.equal(byWriter.status, 200);
  });

  test("a private org repo: a read member clones but cannot push; a stranger gets exactly the missing-repo answer", async () => {
    await createRepo(hub, owner, "acme/secret", { private: true });
    // 1. The read member clones over git.
    const dir = path.join(await mkdtemp(path.join(git.work, "clone-")), "secret");
    await git.run(["clone", "--quiet", authUrl(hub.url, "acme/secret", reader), dir], git.work);
    // 2. Commits locally and pushes: refused with 403.
    await writeFile(path.join(dir, "x.txt"), "read members cannot write\n");
    await git.run(["add", "x.txt"], dir);
    await git.run(["commit", "-qm", "try"], dir);
    await assert.rejects(git.run(["push", "origin", "main"], dir), /403/);
    // 3. The write member pushes the same commit.
    await git.run(["remote", "set-url", "origin", authUrl(hub.url, "acme/secret", writer)], dir);
    await git.run(["push", "-q", "origin", "main"], dir);
    // 4. A stranger sees nothing: every surface answers as for a repo that does not exist.
    for (const [hidden, missing] of [
      ["/api/models/acme/secret", "/api/models/acme/missing"],
      ["/acme/secret/resolve/main/x.txt", "/acme/missing/resolve/main/x.txt"],
      ["/api/models/acme/secret/tree/main", "/api/models/acme/missing/tree/main"],
      ["/acme/secret.git/info/refs?service=git-upload-pack", "/acme/missing.git/info/refs?service=git-upload-pack"],
    ] as const) {
      for (const token of [stranger, undefined]) {
        assert.deepEqual(await answer(await api(hub, "GET", hidden, token)), await answer(await api(hub, "GET", missing, token)), hidden);
      }
    }
    await assert.rejects(git.run(["clone", authUrl(hub.url, "acme/secret", stranger), path.join(git.work, "s")], git.work), /not found|404/i);
  });

  test("listings show an org's private repos to members only", async () => {
    const names = async (token?: string) => {
      const out: string[] = [];
      for await (const m of listModels({ search: { owner: "acme" }, hubUrl: hub.url, ...(token ? { accessToken: token } : {}) })) out.push(m.name);
      return out.sort();
    };
    assert.ok((await names(reader)).includes("acme/secret"));
    assert.ok(!(await names(stranger)).includes("acme/secret"));
    assert.ok(!(await names()).includes("acme/secret"));
  });

  test("removing a member closes the org's private repos to them on their next request", async () => {
    const outsider = await hub.user("otto");
    await addOrgMember(hub, owner, "acme", "otto", "read");
    assert.equal((await api(hub, "GET", "/api/models/acme/secret", outsider)).status, 200);
    assert.equal((await api(hub, "DELETE", "/api/organizations/acme/members/otto", owner)).status, 200);
    assert.equal((await api(hub, "GET", "/api/models/acme/secret", outsider)).status, 404);
    // A member may also leave on their own.
    await addOrgMember(hub, owner, "acme", "otto", "read");
    assert.equal((await api(hub, "DELETE", "/api/organizations/acme/members/otto", outsider)).status, 200);
  });

  test("an org admin changes roles and the change applies at once", async () => {
    assert.equal((await postCommit(hub, reader, "acme/by-writer", [header(), fileLine("r.txt", "x")])).status, 403);
    assert.equal((await api(hub, "PUT", "/api/organizations/acme/members/rita/role", owner, { role: "write" })).status, 200);
    assert.equal((await postCommit(hub, reader, "acme/by-writer", [header(), fileLine("r.txt", "x")])).status, 200);
    assert.equal((await api(hub, "PUT", "/api/organizations/acme/members/rita/role", owner, { role: "read" })).status, 200);
  });
});

describe("organizations on PostgreSQL: the membership query and listing scope", () => {
  let hub: TestHub;
  let drop: () => Promise<void>;

  before(async () => {
    const pg = await freshPostgresDatabase();
    drop = pg.drop;
    hub = await startHub({ databaseUrl: pg.url });
  });
  after(async () => {
    await hub.close();
    await drop();
  });

  test("memberships load with the token, the namespace is shared, and private org repos list for members only", async () => {
    const admin = await hub.user("pgadmin");
    const member = await hub.user("pgmember");
    const other = await hub.user("pgother");
    await createOrg(hub, admin, "pgorg");
    await addOrgMember(hub, admin, "pgorg", "pgmember", "read");
    await createRepo(hub, admin, "pgorg/hidden", { private: true });
    assert.equal((await api(hub, "POST", "/api/organizations", admin, { name: "pgother" })).status, 409);
    await assert.rejects(hub.hub.services.accounts.createUser({ name: "pgorg" }), /already exists/);
    const me = await whoAmI({ accessToken: member, hubUrl: hub.url });
    assert.deepEqual(me.type === "user" ? me.orgs.map((o) => o.name) : [], ["pgorg"]);
    const list = async (token: string) => ((await (await api(hub, "GET", "/api/models?author=pgorg", token)).json()) as { id: string }[]).map((m) => m.id);
    assert.deepEqual(await list(member), ["pgorg/hidden"]);
    assert.deepEqual(await list(other), []);
    // A fine-grained token scoped to the org lists it; one scoped elsewhere does not.
    const scoped = async (name: string) =>
      ((await (await api(hub, "POST", "/api/settings/tokens", member, { name: "fg", role: "fineGrained", scoped: [{ entity: { type: name === "pgmember" ? "user" : "org", name }, permissions: ["repo.content.read"] }] })).json()) as { token: string }).token;
    assert.deepEqual(await list(await scoped("pgorg")), ["pgorg/hidden"]);
    assert.deepEqual(await list(await scoped("pgmember")), []);
  });
});
