import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/** Writes `size` random bytes without holding them in memory. */
async function writeRandomFile(file: string, size: number): Promise<void> {
  const fh = await open(file, "w");
  try {
    for (let left = size; left > 0; left -= 1 << 22) await fh.write(randomBytes(Math.min(left, 1 << 22)));
  } finally {
    await fh.close();
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Every file under `dir` (outside .git), by relative path. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.name === ".git") continue;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe("git + git-lfs round trip", () => {
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

  test("a 100 MB safetensors file and small files pushed with git come back byte for byte in an anonymous clone", async () => {
    // 1. Create the repo through the API; it starts with a commit holding .gitattributes.
    const repoId = await createRepo(hub, token, "big-model");
    const first = path.join(git.work, "first");
    await git.run(["clone", authUrl(hub.url, repoId, token), first], git.work);
    const attributes = await readFile(path.join(first, ".gitattributes"), "utf8");
    assert.match(attributes, /^\*\.safetensors filter=lfs diff=lfs merge=lfs -text$/m);

    // 2. No `git lfs track` needed: the shipped .gitattributes already routes weights to LFS.
    const tracked = (await git.run(["check-attr", "filter", "model.safetensors"], first)).stdout;
    assert.match(tracked, /filter: lfs/);

    // 3. Add a 100 MB random weight file and a few small files, commit, push.
    await writeRandomFile(path.join(first, "model.safetensors"), 100 * 1024 * 1024);
    await writeFile(path.join(first, "README.md"), "---\nlicense: mit\n---\n# Big model\n");
    await writeFile(path.join(first, "config.json"), JSON.stringify({ model_type: "llama", hidden_size: 64 }));
    await mkdir(path.join(first, "tokenizer"));
    await writeFile(path.join(first, "tokenizer", "vocab.txt"), "a\nb\nc\n");
    await git.run(["add", "."], first);
    await git.run(["commit", "-m", "add weights"], first);
    const pushed = await git.run(["push", "origin", "main"], first);
    assert.match(pushed.stderr, /main -> main/);

    // 4. The pushed weight is a pointer in git and an object in the hub's store.
    const pointer = (await git.run(["show", "HEAD:model.safetensors"], first)).stdout;
    const oid = /oid sha256:([0-9a-f]{64})/.exec(pointer)?.[1];
    assert.ok(oid, "the committed blob is an LFS pointer");
    const stored = await stat(path.join(hub.dataDir, "lfs", oid.slice(0, 2), oid.slice(2, 4), oid));
    assert.equal(stored.size, 100 * 1024 * 1024);

    // 5. Clone anew, anonymously, and compare every file byte for byte.
    const second = path.join(git.work, "second");
    await git.run(["clone", `${hub.url}/${repoId}`, second], git.work);
    const files = await listFiles(first);
    assert.deepEqual(await listFiles(second), files);
    for (const f of files) {
      if (f.endsWith(".safetensors")) {
        assert.equal(await sha256File(path.join(second, f)), oid, f);
      } else {
        assert.deepEqual(await readFile(path.join(second, f)), await readFile(path.join(first, f)), f);
      }
    }
  });

  test("dataset and space repos clone and push under /datasets/ and /spaces/, with or without .git", async () => {
    for (const type of ["dataset", "space"] as const) {
      const repoId = await createRepo(hub, token, `${type}-repo`, { type });
      const dir = path.join(git.work, `${type}-clone`);
      await git.run(["clone", authUrl(hub.url, `${type}s/${repoId}.git`, token), dir], git.work);
      await writeFile(path.join(dir, "data.parquet"), randomBytes(4096));
      await git.run(["add", "."], dir);
      await git.run(["commit", "-m", "data"], dir);
      await git.run(["push"], dir);
      const again = path.join(git.work, `${type}-again`);
      await git.run(["clone", `${hub.url}/${type}s/${repoId}`, again], git.work);
      assert.deepEqual(await readFile(path.join(again, "data.parquet")), await readFile(path.join(dir, "data.parquet")));
    }
  });
});
