import assert from "node:assert/strict";
import { access, rename } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { downloadFile, listModels, repoExists, uploadFiles } from "@huggingface/hub";
import { buildHub } from "../src/app.js";
import { configWith } from "../src/config/load.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";
import { all } from "./support/collect.js";

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * Repo settings (`PUT /api/{t}/<repo>/settings`) and moves (`POST
 * /api/repos/move`), hf-hub-protocol.md §5.1. @huggingface/hub has no call for
 * either, so they go through fetch as huggingface_hub sends them; their effects
 * are checked with the client. Runs on SQLite and PostgreSQL.
 */
function describeSettings(backend: "sqlite" | "postgres"): void {
  describe(`repo settings and moves (${backend})`, () => {
    let hub: TestHub;
    let databaseUrl = "";
    let drop: (() => Promise<void>) | undefined;
    let alice: string;
    let aliceRead: string;
    let bob: string;
    let root: string;

    before(async () => {
      if (backend === "postgres") {
        const pg = await freshPostgresDatabase();
        databaseUrl = pg.url;
        drop = pg.drop;
      }
      hub = await startHub({ databaseUrl });
      alice = await hub.user("alice");
      aliceRead = await hub.token("alice", "read");
      bob = await hub.user("bob");
      root = await hub.user("root", { admin: true });
      // Every test's repos, made at once (each is a git repo on disk with a first commit).
      const sqliteOnly = backend === "sqlite";
      await Promise.all([
        ...["flip", "gate", "one", "two", "crash-a", "crash-b"].map((n) => createRepo(hub, alice, n)),
        ...(sqliteOnly ? ["strict", "guarded", "emigrant"] : []).map((n) => createRepo(hub, alice, n)),
        ...(sqliteOnly ? ["guarded-private", "keep-out"] : []).map((n) => createRepo(hub, alice, n, { private: true })),
        ...(sqliteOnly ? [createRepo(hub, alice, "data-set", { type: "dataset" })] : []),
        (async () => {
          await createRepo(hub, alice, "before-move");
          await uploadFiles({
            repo: "alice/before-move",
            accessToken: alice,
            hubUrl: hub.url,
            files: [{ path: "weights.txt", content: new Blob(["the same bytes\n"]) }],
          });
        })(),
      ]);
    });
    after(async () => {
      await hub.close();
      await drop?.();
    });

    const send = (method: string, url: string, token: string | undefined, body: unknown) =>
      fetch(`${hub.url}${url}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const settings = (repo: string, token: string | undefined, body: unknown, type = "models") =>
      send("PUT", `/api/${type}/${repo}/settings`, token, body);
    // Checks that never reach the database run once, on SQLite; the rest run on both.
    const onceOnly = backend === "sqlite" ? test : () => {};
    const move = (token: string | undefined, body: unknown) => send("POST", "/api/repos/move", token, body);
    const visibleTo = async (token: string | undefined, owner: string) =>
      (await all(listModels({ search: { owner }, hubUrl: hub.url, ...(token ? { accessToken: token } : {}) }))).map((m) => m.name).sort();

    test("private: true hides a repo from everyone but its owner, and visibility: public shows it again", async () => {
      assert.equal((await settings("alice/flip", alice, { private: true })).status, 200);
      assert.equal(await repoExists({ repo: "alice/flip", hubUrl: hub.url }), false);
      assert.ok(!(await visibleTo(undefined, "alice")).includes("alice/flip"));
      assert.ok(!(await visibleTo(bob, "alice")).includes("alice/flip"));
      assert.ok((await visibleTo(alice, "alice")).includes("alice/flip"));

      const res = await settings("alice/flip", alice, { visibility: "public" });
      assert.deepEqual(await res.json(), { private: false, gated: false });
      assert.equal(await repoExists({ repo: "alice/flip", hubUrl: hub.url }), true);
    });

    test("gated takes 'auto', 'manual' or false, and listings report it", async () => {
      const gatedOf = async () => (await all(listModels({ search: { query: "alice/gate" }, hubUrl: hub.url })))[0]?.gated;
      assert.equal((await settings("alice/gate", alice, { gated: "auto" })).status, 200);
      assert.equal(await gatedOf(), "auto");
      assert.equal((await settings("alice/gate", alice, { gated: "manual" })).status, 200);
      assert.equal(await gatedOf(), "manual");
      assert.equal((await settings("alice/gate", alice, { gated: false })).status, 200);
      assert.equal(await gatedOf(), false);
    });

    onceOnly("settings refuse bad input with a 400 and change nothing", async () => {
      for (const body of [{}, { gated: "sometimes" }, { gated: true }, { private: "perhaps" }, { visibility: "secret" }, { private: true, visibility: "public" }, { xetEnabled: true }]) {
        const res = await settings("alice/strict", alice, body);
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      assert.equal(await repoExists({ repo: "alice/strict", hubUrl: hub.url }), true);
    });

    onceOnly("settings need write access: 401 anonymous, 403 read token or another user, 404 for a repo one cannot see", async () => {
      assert.equal((await settings("alice/guarded", undefined, { private: true })).status, 401);
      assert.equal((await settings("alice/guarded", aliceRead, { private: true })).status, 403);
      assert.equal((await settings("alice/guarded", bob, { private: true })).status, 403);
      const hidden = await settings("alice/guarded-private", bob, { private: false });
      assert.equal(hidden.status, 404);
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
      assert.equal(await repoExists({ repo: "alice/guarded", hubUrl: hub.url }), true, "still public");
    });

    onceOnly("a dataset's settings live under /api/datasets", async () => {
      assert.equal((await settings("alice/data-set", alice, { private: true }, "datasets")).status, 200);
      assert.equal(await repoExists({ repo: { type: "dataset", name: "alice/data-set" }, hubUrl: hub.url }), false);
    });

    test("move renames the repo: its files follow, the old name is gone and free again", async () => {
      const res = await move(alice, { fromRepo: "alice/before-move", toRepo: "alice/after-move", type: "model" });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { url: `${hub.url}/alice/after-move`, name: "alice/after-move" });

      assert.equal(await repoExists({ repo: "alice/before-move", hubUrl: hub.url }), false);
      assert.equal(await repoExists({ repo: "alice/after-move", hubUrl: hub.url }), true);
      const listed = await visibleTo(alice, "alice");
      assert.ok(listed.includes("alice/after-move") && !listed.includes("alice/before-move"));
      const repos = path.join(hub.dataDir, "repos", "models", "alice");
      assert.equal(await exists(path.join(repos, "before-move.git")), false);

      const weights = () => downloadFile({ repo: "alice/after-move", path: "weights.txt", hubUrl: hub.url, accessToken: alice });
      assert.equal(await (await weights())?.text(), "the same bytes\n");

      // The old name can be taken by a new, empty repo without touching the moved one.
      await createRepo(hub, alice, "before-move");
      assert.equal(await (await weights())?.text(), "the same bytes\n");
      assert.equal(await downloadFile({ repo: "alice/before-move", path: "weights.txt", hubUrl: hub.url }), null);
    });

    test("moving onto an existing repo is a 409 and leaves both as they were", async () => {
      const res = await move(alice, { fromRepo: "alice/one", toRepo: "alice/two", type: "model" });
      assert.equal(res.status, 409);
      assert.equal(await repoExists({ repo: "alice/one", hubUrl: hub.url }), true);
      assert.ok(await exists(path.join(hub.dataDir, "repos", "models", "alice", "one.git", "HEAD")));
    });

    onceOnly("moving into a namespace one does not own is a 403; admins may", async () => {
      const res = await move(alice, { fromRepo: "alice/emigrant", toRepo: "bob/emigrant", type: "model" });
      assert.equal(res.status, 403);
      assert.equal(await repoExists({ repo: "alice/emigrant", hubUrl: hub.url }), true);
      assert.equal((await move(root, { fromRepo: "alice/emigrant", toRepo: "bob/emigrant", type: "model" })).status, 200);
      assert.equal(await repoExists({ repo: "bob/emigrant", hubUrl: hub.url }), true);
    });

    onceOnly("moving a repo one cannot see or write is answered like elsewhere", async () => {
      const hidden = await move(bob, { fromRepo: "alice/keep-out", toRepo: "bob/taken", type: "model" });
      assert.equal(hidden.status, 404);
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
      assert.equal((await move(aliceRead, { fromRepo: "alice/keep-out", toRepo: "alice/elsewhere" })).status, 403);
      assert.equal((await move(undefined, { fromRepo: "alice/keep-out", toRepo: "alice/elsewhere" })).status, 401);
      for (const toRepo of ["no-namespace", "alice/bad--name", "alice/a/b", "alice/x.git"]) {
        assert.equal((await move(alice, { fromRepo: "alice/keep-out", toRepo })).status, 400, toRepo);
      }
    });

    test("a move cut short by a crash is put back in step at the next start", async () => {
      // Fabricate the two states a crash can leave: (a) the folder renamed but the row not yet
      // (the transaction never committed); (b) the row renamed but the folder not.
      const db = hub.hub.db.kysely;
      const dir = (name: string) => path.join(hub.dataDir, "repos", "models", "alice", `${name}.git`);
      const idOf = async (name: string) =>
        (await db.selectFrom("repos").select("id").where("namespace", "=", "alice").where("name", "=", name).executeTakeFirstOrThrow()).id;
      const a = await idOf("crash-a");
      const b = await idOf("crash-b");
      const journal = (id: number, from: string, to: string) => ({
        repo_id: id, from_namespace: "alice", from_name: from, to_namespace: "alice", to_name: to, created_at: new Date().toISOString(),
      });
      await db.insertInto("repo_moves").values([journal(a, "crash-a", "crash-a2"), journal(b, "crash-b", "crash-b2")]).execute();
      hub.hub.services.catFiles.closeAll();
      await rename(dir("crash-a"), dir("crash-a2"));
      await db.updateTable("repos").set({ name: "crash-b2" }).where("id", "=", b).execute();

      // A second hub process on the same data starts: it repairs before serving.
      const second = await buildHub(configWith({ dataDir: hub.dataDir, databaseUrl, logLevel: "warn" }));
      await second.close();

      assert.ok(await exists(path.join(dir("crash-a"), "HEAD")), "(a) rolled back to the row's name");
      assert.equal(await exists(dir("crash-a2")), false);
      assert.ok(await exists(path.join(dir("crash-b2"), "HEAD")), "(b) rolled forward to the row's name");
      assert.equal(await exists(dir("crash-b")), false);
      assert.deepEqual(await db.selectFrom("repo_moves").selectAll().execute(), []);
      assert.equal(await repoExists({ repo: "alice/crash-a", hubUrl: hub.url }), true);
      assert.equal(await repoExists({ repo: "alice/crash-b2", hubUrl: hub.url }), true);
    });
  });
}

describeSettings("sqlite");
describeSettings("postgres");
