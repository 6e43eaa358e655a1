import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

const rejected = /non-fast-forward|fetch first|failed to lock|cannot lock ref|rejected|failed to update ref/i;

describe("concurrent pushes", () => {
  let hub: TestHub;
  let git: GitCli;
  let token: string;

  before(async () => {
    hub = await startHub();
    git = await GitCli.create();
    token = await hub.user("alice");
  });
  after(async () => {
    await hub.close();
    await git.dispose();
  });

  test("20 concurrent pushes of different commits to one branch each land or are refused, and none is lost", async () => {
    const repoId = await createRepo(hub, token, "busy");
    const url = authUrl(hub.url, repoId, token);
    // 1. Twenty working copies, each with its own commit on top of the same main.
    const clones = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const dir = path.join(git.work, `clone-${i}`);
        await git.run(["clone", "--quiet", url, dir], git.work);
        await writeFile(path.join(dir, `file-${i}.txt`), `writer ${i}\n`);
        await git.run(["add", "."], dir);
        await git.run(["commit", "--quiet", "-m", `writer ${i}`], dir);
        return { i, dir, sha: (await git.run(["rev-parse", "HEAD"], dir)).stdout.trim() };
      }),
    );

    // 2. Push them all at once.
    const outcomes = await Promise.all(
      clones.map(async (c) => {
        try {
          await git.run(["push", "origin", "main"], c.dir);
          return { ...c, landed: true, stderr: "" };
        } catch (err) {
          return { ...c, landed: false, stderr: (err as { stderr: string }).stderr };
        }
      }),
    );
    const landed = outcomes.filter((o) => o.landed);
    assert.ok(landed.length >= 1, "at least one push lands");
    for (const o of outcomes.filter((o) => !o.landed)) assert.match(o.stderr, rejected, `writer ${o.i}`);

    // 3. Every push reported as landed is in the history of main: none lost silently.
    const check = path.join(git.work, "check");
    await git.run(["clone", "--quiet", url, check], git.work);
    const history = new Set((await git.run(["rev-list", "HEAD"], check)).stdout.trim().split("\n"));
    for (const o of landed) assert.ok(history.has(o.sha), `writer ${o.i}'s landed commit is on main`);

    // 4. Refused writers rebase and retry until all twenty commits are on main.
    const pending = outcomes.filter((o) => !o.landed);
    for (let round = 0; pending.length > 0 && round < 40; round++) {
      const o = pending[0]!;
      await git.run(["pull", "--quiet", "--rebase", "origin", "main"], o.dir);
      try {
        await git.run(["push", "origin", "main"], o.dir);
        pending.shift();
      } catch (err) {
        assert.match((err as { stderr: string }).stderr, rejected);
      }
    }
    assert.equal(pending.length, 0);
    await git.run(["pull", "--quiet", "origin", "main"], check);
    const log = (await git.run(["log", "--format=%s"], check)).stdout;
    for (let i = 0; i < 20; i++) assert.match(log, new RegExp(`^writer ${i}$`, "m"));
  });

  test("an --atomic push of two refs where one is refused updates neither", async () => {
    const repoId = await createRepo(hub, token, "atomic");
    const url = authUrl(hub.url, repoId, token);
    const a = path.join(git.work, "atomic-a");
    const b = path.join(git.work, "atomic-b");
    await git.run(["clone", "--quiet", url, a], git.work);
    await git.run(["clone", "--quiet", url, b], git.work);
    // `a` moves main on the server; `b` then pushes a new branch plus a stale main.
    await writeFile(path.join(a, "a.txt"), "a\n");
    await git.run(["add", "."], a);
    await git.run(["commit", "--quiet", "-m", "a"], a);
    await git.run(["push", "--quiet", "origin", "main"], a);
    await writeFile(path.join(b, "b.txt"), "b\n");
    await git.run(["add", "."], b);
    await git.run(["commit", "--quiet", "-m", "b"], b);
    await git.run(["branch", "feature"], b);
    await assert.rejects(git.run(["push", "--atomic", "origin", "main", "feature"], b), rejected);
    const refs = (await git.run(["ls-remote", url], git.work)).stdout;
    assert.doesNotMatch(refs, /refs\/heads\/feature/);
  });
});
