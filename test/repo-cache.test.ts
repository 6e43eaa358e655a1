import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { type Db, openDb } from "../src/db/connect.js";
import { findRepo, insertRepo } from "../src/db/queries/repos.js";
import { createBareRepo } from "../src/lib/git/bare-repo.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";

/**
 * The embedded database tells when anything was committed (`Db.changeMark`:
 * `PRAGMA data_version` plus this connection's own writes); repo look-ups are
 * reused only while it has not moved. A second connection to the same file
 * stands for the CLI or another hub process.
 */
describe("Db.changeMark on SQLite", () => {
  let dir: string;
  let db: Db;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "modelport-change-mark-"));
    db = await openDb({ databaseUrl: "", dataDir: dir });
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const mark = () => db.changeMark!();

  test("reads leave it alone; this connection's writes move it, INSERT … RETURNING included", async () => {
    const m = mark();
    await findRepo(db, { type: "model", namespace: "a", name: "x" });
    assert.equal(mark(), m);
    await insertRepo(db, { type: "model", namespace: "a", name: "x", private: false });
    const afterInsert = mark();
    assert.notEqual(afterInsert, m);
    await db.kysely.updateTable("repos").set({ private: 1 }).where("name", "=", "x").execute();
    assert.notEqual(mark(), afterInsert);
  });

  test("a commit by another connection moves it", async () => {
    const m = mark();
    const other = new SQLite(path.join(dir, "modelport.db"));
    try {
      other.prepare("update repos set updated_at = ?").run(new Date().toISOString());
    } finally {
      other.close();
    }
    assert.notEqual(mark(), m);
  });

  test("inside an open transaction every call is a new mark", async () => {
    await db.kysely.transaction().execute(async (tx) => {
      await tx.selectFrom("repos").selectAll().execute();
      const m = mark();
      assert.notEqual(mark(), m);
    });
  });

  test("a kept statement gives fresh rows, and a streamed query can be run again", async () => {
    const key = { type: "model", namespace: "a", name: "x" };
    await db.kysely.updateTable("repos").set({ private: 0 }).where("name", "=", "x").execute();
    assert.equal((await findRepo(db, key))?.private, 0);
    await db.kysely.updateTable("repos").set({ private: 1 }).where("name", "=", "x").execute();
    assert.equal((await findRepo(db, key))?.private, 1);
    for (let i = 0; i < 2; i++) {
      const names: string[] = [];
      for await (const row of db.kysely.selectFrom("repos").select("name").stream()) names.push(row.name);
      assert.deepEqual(names, ["x"]);
    }
    const { rows } = await sql<{ n: number }>`select count(*) as n from repos`.execute(db.kysely);
    assert.equal(rows[0]!.n, 1);
  });
});

describe("repo look-ups never serve a changed repo (SQLite)", () => {
  let t: TestHub;
  let alice: string;

  before(async () => {
    t = await startHub();
    alice = await t.user("alice");
  });
  after(() => t.close());

  const head = (url: string, token?: string) =>
    fetch(url, { method: "HEAD", headers: token ? { authorization: `Bearer ${token}` } : {} });

  test("a repo made private by another process is hidden from the very next request", async () => {
    const id = await createRepo(t, alice, "shared");
    const url = `${t.url}/${id}/resolve/main/.gitattributes`;
    assert.equal((await head(url)).status, 200);
    assert.equal((await head(url)).status, 200); // now from the cache
    const other = new SQLite(path.join(t.dataDir, "modelport.db"));
    try {
      other.prepare("update repos set private = 1 where namespace = ? and name = ?").run("alice", "shared");
    } finally {
      other.close();
    }
    const hidden = await head(url);
    const missing = await head(`${t.url}/alice/no-such-repo/resolve/main/.gitattributes`);
    assert.equal(hidden.status, missing.status);
    assert.equal(hidden.headers.get("x-error-code"), missing.headers.get("x-error-code"));
    assert.equal((await head(url, alice)).status, 200);
  });

  test("a repo created by another process is found although its absence was seen", async () => {
    const url = `${t.url}/alice/late/resolve/main/file.txt`;
    const missing = await head(`${t.url}/alice/no-such-repo/resolve/main/file.txt`);
    assert.equal((await head(url)).status, missing.status);
    assert.equal((await head(url)).status, missing.status); // the absence, now from the cache
    await createBareRepo(path.join(t.dataDir, "repos", "models", "alice", "late.git"), [{ path: "file.txt", content: "x" }], "init", {
      name: "alice",
      email: "alice@example.com",
    });
    const now = new Date().toISOString();
    const other = new SQLite(path.join(t.dataDir, "modelport.db"));
    try {
      other
        .prepare("insert into repos (type, namespace, name, private, created_at, updated_at) values ('model', 'alice', 'late', 0, ?, ?)")
        .run(now, now);
    } finally {
      other.close();
    }
    assert.equal((await head(url)).status, 200);
  });

  test("a repo deleted and created again under its name serves the new repo, not the old one's files", async () => {
    const id = await createRepo(t, alice, "again");
    const commit = await postCommit(t, alice, id, [header("add config"), fileLine("config.json", '{"a":1}')]);
    assert.equal(commit.status, 200);
    const url = `${t.url}/${id}/resolve/main/config.json`;
    const before = await head(url);
    assert.equal(before.status, 200);
    const deleted = await fetch(`${t.url}/api/repos/delete`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "again", organization: "alice", type: "model" }),
    });
    assert.equal(deleted.status, 200);
    await createRepo(t, alice, "again");
    const now = await head(url);
    assert.equal(now.status, 404);
    assert.equal(now.headers.get("x-error-code"), "EntryNotFound");
    assert.notEqual(now.headers.get("x-repo-commit"), before.headers.get("x-repo-commit"));
  });
});
