import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Db, isUniqueViolation, openDb } from "../src/db/connect.js";
import { findLinkedLfsObjects, recordLfsObject } from "../src/db/queries/lfs-objects.js";
import { deleteRepoRow, findRepo, insertRepo } from "../src/db/queries/repos.js";
import { findTokenWithUser, insertToken } from "../src/db/queries/tokens.js";
import { findUserByName, insertUser } from "../src/db/queries/users.js";
import { AccountService } from "../src/services/accounts.js";
import pg from "pg";
import { freshPostgresDatabase, postgresAdminUrl } from "./support/postgres.js";

/** One conformance suite, run on every database backend. */
function describeDb(backend: string, connect: () => Promise<{ open: () => Promise<Db>; cleanup: () => Promise<void> }>) {
  describe(`metadata database on ${backend}`, () => {
    let db: Db;
    let open: () => Promise<Db>;
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ open, cleanup } = await connect());
      db = await open();
    });
    after(async () => {
      await db.close();
      await cleanup();
    });

    test("migrations are idempotent: a second open on the same database succeeds", async () => {
      const again = await open();
      await again.close();
    });

    test("users are unique by name and round-trip their fields", async () => {
      const user = await insertUser(db, { name: "ada", email: "ada@example.com", isAdmin: true });
      assert.equal(user.name, "ada");
      assert.equal(user.is_admin, 1);
      assert.match(user.created_at, /Z$/);
      assert.deepEqual(await findUserByName(db, "ada"), user);
      await assert.rejects(insertUser(db, { name: "ada", isAdmin: false }), (err) => isUniqueViolation(err));
    });

    test("a token is found by its hash together with its user", async () => {
      const user = await insertUser(db, { name: "tok-owner", isAdmin: false });
      await insertToken(db, { userId: user.id, name: "ci", role: "read", tokenHash: "a".repeat(64) });
      const found = await findTokenWithUser(db, "a".repeat(64));
      assert.equal(found?.user.name, "tok-owner");
      assert.equal(found?.token.role, "read");
      assert.equal(await findTokenWithUser(db, "b".repeat(64)), undefined);
    });

    test("repos are unique per type, namespace and name", async () => {
      const repo = await insertRepo(db, { type: "model", namespace: "ada", name: "m", private: true });
      assert.equal(repo.private, 1);
      await insertRepo(db, { type: "dataset", namespace: "ada", name: "m", private: false });
      await assert.rejects(insertRepo(db, { type: "model", namespace: "ada", name: "m", private: false }), (err) => isUniqueViolation(err));
      assert.equal((await findRepo(db, { type: "model", namespace: "ada", name: "m" }))?.id, repo.id);
    });

    test("LFS objects are linked per repo, sizes above 4 GiB survive, and links go with the repo", async () => {
      const a = await insertRepo(db, { type: "model", namespace: "ada", name: "lfs-a", private: false });
      const b = await insertRepo(db, { type: "model", namespace: "ada", name: "lfs-b", private: false });
      const big = 6 * 1024 ** 3 + 7;
      await recordLfsObject(db, a.id, "1".repeat(64), big);
      await recordLfsObject(db, a.id, "1".repeat(64), big); // idempotent
      assert.deepEqual([...(await findLinkedLfsObjects(db, a.id, ["1".repeat(64), "2".repeat(64)]))], [["1".repeat(64), big]]);
      assert.equal((await findLinkedLfsObjects(db, b.id, ["1".repeat(64)])).size, 0, "stored but not linked to b");
      await deleteRepoRow(db, a.id);
      assert.equal((await findLinkedLfsObjects(db, a.id, ["1".repeat(64)])).size, 0);
    });

    test("accounts: tokens start with hf_, are stored hashed, and authenticate their user", async () => {
      const accounts = new AccountService(db);
      await accounts.createUser({ name: "grace", password: "correct horse battery" });
      const { token } = await accounts.createToken("grace", { role: "write" });
      assert.match(token, /^hf_[A-Za-z0-9]{34}$/);
      const rows = await db.kysely.selectFrom("tokens").select("token_hash").execute();
      assert.ok(rows.every((r) => r.token_hash !== token && /^[0-9a-f]{64}$/.test(r.token_hash)));
      const p = await accounts.authenticateToken(token);
      assert.equal(p.kind === "user" && p.name, "grace");
      await assert.rejects(accounts.authenticateToken(`${token}x`), /Invalid credentials/);
      await assert.rejects(accounts.createToken("grace", { role: "owner" }), /role must be one of/);
      await assert.rejects(accounts.createToken("nobody"), /does not exist/);
      await assert.rejects(accounts.createUser({ name: "grace" }), /already exists/);
    });
  });
}

describeDb("SQLite", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "modelport-db-"));
  return {
    open: () => openDb({ databaseUrl: "", dataDir: dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describeDb("PostgreSQL", async () => {
  const { url, drop } = await freshPostgresDatabase();
  return { open: () => openDb({ databaseUrl: url, dataDir: "/nonexistent" }), cleanup: drop };
});

test("PostgreSQL: connections the server ends are replaced, and the process lives on", async () => {
  const { url, drop } = await freshPostgresDatabase();
  const db = await openDb({ databaseUrl: url, dataDir: "" });
  try {
    await insertUser(db, { name: "before", email: null, isAdmin: false, passwordHash: null });
    // What a server restart or an administrator does to idle connections.
    const database = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    const { rowCount } = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [database]);
    await admin.end();
    assert.ok((rowCount ?? 0) > 0, "the pool held an idle connection to end");
    await new Promise((resolve) => setTimeout(resolve, 200)); // the idle client sees its connection end
    assert.equal((await findUserByName(db, "before"))?.name, "before");
  } finally {
    await db.close();
    await drop();
  }
});
