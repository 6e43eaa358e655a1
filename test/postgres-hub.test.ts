import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";

/** The same hub on PostgreSQL instead of SQLite: configuration, not a rewrite. */
describe("hub on PostgreSQL", () => {
  let hub: TestHub;
  let drop: () => Promise<void>;
  let git: GitCli;

  before(async () => {
    const pg = await freshPostgresDatabase();
    drop = pg.drop;
    hub = await startHub({ databaseUrl: pg.url });
    git = await GitCli.create();
  });
  after(async () => {
    await hub.close();
    await drop();
    await git.dispose();
  });

  test("health answers while the database does", async () => {
    const res = await fetch(`${hub.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
  });

  test("a repo is created, pushed to with an LFS file, and cloned anonymously", async () => {
    const token = await hub.user("pat");
    const repoId = await createRepo(hub, token, "pg-model");
    const a = path.join(git.work, "a");
    await git.run(["clone", "--quiet", authUrl(hub.url, repoId, token), a], git.work);
    await writeFile(path.join(a, "weights.bin"), randomBytes(2 << 20));
    await git.run(["add", "."], a);
    await git.run(["commit", "--quiet", "-m", "weights"], a);
    await git.run(["push", "--quiet", "origin", "main"], a);
    const b = path.join(git.work, "b");
    await git.run(["clone", "--quiet", `${hub.url}/${repoId}`, b], git.work);
    assert.deepEqual(await readFile(path.join(b, "weights.bin")), await readFile(path.join(a, "weights.bin")));
    const rows = await hub.hub.db.kysely.selectFrom("repo_lfs_objects").selectAll().execute();
    assert.equal(rows.length, 1);
  });
});
