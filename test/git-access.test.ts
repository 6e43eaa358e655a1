import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/** The parts of a response that could tell two repos apart (not the request id or date). */
async function fingerprint(res: Response): Promise<string> {
  const headers = [...res.headers].filter(([k]) => !["x-request-id", "date", "keep-alive", "connection"].includes(k));
  const body = (await res.text()).replace(/"request_id":"[^"]*"/, '"request_id":"…"');
  return JSON.stringify({ status: res.status, headers: headers.sort(), body });
}

describe("who may clone and push", () => {
  let hub: TestHub;
  let git: GitCli;
  let owner: string;
  let ownerRead: string;
  let stranger: string;
  let publicId: string;
  let privateId: string;

  before(async () => {
    hub = await startHub();
    git = await GitCli.create();
    owner = await hub.user("owner");
    ownerRead = await hub.token("owner", "read");
    stranger = await hub.user("stranger");
    publicId = await createRepo(hub, owner, "open-model");
    privateId = await createRepo(hub, owner, "secret-model", { private: true });
  });
  after(async () => {
    await hub.close();
    await git.dispose();
  });

  async function headOf(repoId: string): Promise<string> {
    const dir = await mkdtemp(path.join(git.work, "head-"));
    await git.run(["clone", "--quiet", authUrl(hub.url, repoId, owner), dir], git.work);
    return (await git.run(["rev-parse", "HEAD"], dir)).stdout.trim();
  }

  /** Clones with the owner's token, commits a file, then pushes with `pushToken`. */
  async function tryPush(repoId: string, pushToken: string | undefined): Promise<string> {
    const dir = await mkdtemp(path.join(git.work, "push-"));
    await git.run(["clone", "--quiet", authUrl(hub.url, repoId, owner), dir], git.work);
    await writeFile(path.join(dir, "notes.txt"), `change ${Math.random()}\n`);
    await git.run(["add", "."], dir);
    await git.run(["commit", "-m", "change"], dir);
    await git.run(["remote", "set-url", "origin", authUrl(hub.url, repoId, pushToken)], dir);
    try {
      await git.run(["push", "origin", "main"], dir);
      return "pushed";
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
  }

  test("a push without a token is refused and the branch does not move", async () => {
    const before = await headOf(publicId);
    const result = await tryPush(publicId, undefined);
    assert.match(result, /401|Authentication failed|could not read Username/i);
    assert.equal(await headOf(publicId), before);
  });

  test("a push with a read token is refused with 403 and the branch does not move", async () => {
    const before = await headOf(publicId);
    const result = await tryPush(publicId, ownerRead);
    assert.match(result, /403/);
    assert.equal(await headOf(publicId), before);
  });

  test("a push with another user's write token is refused", async () => {
    const before = await headOf(publicId);
    const result = await tryPush(publicId, stranger);
    assert.match(result, /403/);
    assert.equal(await headOf(publicId), before);
  });

  test("a push with the owner's write token lands", async () => {
    const before = await headOf(publicId);
    assert.equal(await tryPush(publicId, owner), "pushed");
    assert.notEqual(await headOf(publicId), before);
  });

  test("a bad token is refused even for a public clone", async () => {
    const res = await fetch(`${hub.url}/${publicId}/info/refs?service=git-upload-pack`, {
      headers: { authorization: "Bearer hf_notARealTokenAtAllxxxxxxxxxxxxxxxxx" },
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("x-error-message"), "Invalid credentials in Authorization header");
  });

  test("a private repo cannot be cloned anonymously, and git hears exactly what a missing repo answers", async () => {
    const dir = path.join(git.work, "anon-private");
    await assert.rejects(git.run(["clone", `${hub.url}/${privateId}`, dir], git.work), /Authentication failed|could not read Username|401/);
    for (const suffix of ["/info/refs?service=git-upload-pack", ".git/info/refs?service=git-upload-pack"]) {
      const priv = await fingerprint(await fetch(`${hub.url}/${privateId}${suffix}`));
      const missing = await fingerprint(await fetch(`${hub.url}/owner/no-such-model${suffix}`));
      assert.equal(priv, missing);
      assert.match(priv, /"status":401/);
    }
  });

  test("to another signed-in user a private repo is a 404 exactly like a missing one, on git and LFS", async () => {
    const headers = { authorization: `Bearer ${stranger}` };
    const lfsBody = JSON.stringify({ operation: "download", objects: [{ oid: "a".repeat(64), size: 1 }] });
    const lfsHeaders = { ...headers, "content-type": "application/vnd.git-lfs+json" };
    const pairs: [string, RequestInit][] = [
      ["/info/refs?service=git-upload-pack", { headers }],
      ["/git-upload-pack", { method: "POST", headers: { ...headers, "content-type": "application/x-git-upload-pack-request" }, body: "0000" }],
      [".git/info/lfs/objects/batch", { method: "POST", headers: lfsHeaders, body: lfsBody }],
    ];
    for (const [suffix, init] of pairs) {
      const priv = await fingerprint(await fetch(`${hub.url}/${privateId}${suffix}`, init));
      const missing = await fingerprint(await fetch(`${hub.url}/owner/no-such-model${suffix}`, init));
      assert.equal(priv, missing, suffix);
      assert.match(priv, /"status":404/);
    }
  });

  test("the owner clones the private repo with a token", async () => {
    const dir = path.join(git.work, "owner-private");
    await git.run(["clone", authUrl(hub.url, privateId, ownerRead), dir], git.work);
  });

  test("a gated repo's files stay closed on git and LFS to those without access, and open to its owner", async () => {
    const gatedId = await createRepo(hub, owner, "gated-model");
    const settings = await fetch(`${hub.url}/api/models/${gatedId}/settings`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
      body: JSON.stringify({ gated: "manual" }),
    });
    assert.equal(settings.status, 200);
    const refs = `${hub.url}/${gatedId}/info/refs?service=git-upload-pack`;
    const anon = await fetch(refs);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("x-error-code"), "GatedRepo");
    const other = await fetch(refs, { headers: { authorization: `Bearer ${stranger}` } });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get("x-error-code"), "GatedRepo");
    const batch = await fetch(`${hub.url}/${gatedId}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${stranger}`, "content-type": "application/vnd.git-lfs+json" },
      body: JSON.stringify({ operation: "download", objects: [{ oid: "c".repeat(64), size: 1 }] }),
    });
    assert.equal(batch.status, 403);
    assert.equal(batch.headers.get("x-error-code"), "GatedRepo");
    await assert.rejects(git.run(["clone", authUrl(hub.url, gatedId, stranger), path.join(git.work, "gated-stranger")], git.work), /403/);
    await git.run(["clone", authUrl(hub.url, gatedId, ownerRead), path.join(git.work, "gated-owner")], git.work);
  });

  test("the LFS batch API challenges anonymous uploads and refuses read tokens", async () => {
    const body = JSON.stringify({ operation: "upload", transfers: ["basic"], objects: [{ oid: "b".repeat(64), size: 3 }] });
    const url = `${hub.url}/${publicId}.git/info/lfs/objects/batch`;
    const anon = await fetch(url, { method: "POST", headers: { "content-type": "application/vnd.git-lfs+json" }, body });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get("lfs-authenticate") ?? "", /^Basic /);
    const read = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/vnd.git-lfs+json", authorization: `Bearer ${ownerRead}` },
      body,
    });
    assert.equal(read.status, 403);
    assert.match(read.headers.get("content-type") ?? "", /^application\/vnd\.git-lfs\+json/);
    assert.match(((await read.json()) as { message: string }).message, /read-only/);
  });
});
