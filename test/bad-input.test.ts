import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runGit } from "../src/lib/git/run-git.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

const lfsType = "application/vnd.git-lfs+json";

/** Every file under `dir`, recursively (empty when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

describe("bad input gets a clear 4xx and leaves no trace", () => {
  let hub: TestHub;
  let token: string;
  let repoId: string;
  let repoDir: string;

  before(async () => {
    hub = await startHub();
    token = await hub.user("alice");
    repoId = await createRepo(hub, token, "model");
    repoDir = path.join(hub.dataDir, "repos", "models", "alice", "model.git");
  });
  after(() => hub.close());

  const auth = () => ({ authorization: `Bearer ${token}` });

  /** Refs and loose/packed object counts of the bare repo: what a failed request must not change. */
  async function repoState(): Promise<string> {
    const refs = await runGit(["for-each-ref"], { cwd: repoDir });
    const objects = await runGit(["count-objects", "-v"], { cwd: repoDir });
    return refs + objects.replace(/^size.*$/gm, "");
  }

  /** The store and temp folder together: a failed upload must leave both as they were. */
  async function storeState(): Promise<string[]> {
    return [...(await filesUnder(path.join(hub.dataDir, "lfs"))), ...(await filesUnder(path.join(hub.dataDir, "tmp")))];
  }

  /** Asks the batch API to upload one object and returns its signed upload and verify links. */
  async function batchUpload(oid: string, size: number): Promise<{ href: string; verify: string }> {
    const res = await fetch(`${hub.url}/${repoId}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { ...auth(), "content-type": lfsType, accept: lfsType },
      body: JSON.stringify({ operation: "upload", transfers: ["basic"], objects: [{ oid, size }] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { objects: [{ actions: { upload: { href: string }; verify: { href: string } } }] };
    const { actions } = body.objects[0];
    return { href: actions.upload.href, verify: actions.verify.href };
  }

  test("malformed pkt-lines to upload-pack and receive-pack get a 400 with git's reason", async () => {
    const before = await repoState();
    for (const service of ["git-upload-pack", "git-receive-pack"]) {
      const res = await fetch(`${hub.url}/${repoId}/${service}`, {
        method: "POST",
        headers: { ...auth(), "content-type": `application/x-${service}-request` },
        body: "zzzz this is not a pkt-line stream",
      });
      assert.equal(res.status, 400, service);
      assert.match(await res.text(), /protocol error|bad line length|invalid/i, service);
    }
    assert.equal(await repoState(), before);
  });

  test("a push command followed by a corrupt pack is refused and adds no objects or refs", async () => {
    const before = await repoState();
    const head = (await runGit(["rev-parse", "refs/heads/main"], { cwd: repoDir })).trim();
    const command = `${head} ${"1".repeat(40)} refs/heads/main\0report-status\n`;
    const pkt = (command.length + 4).toString(16).padStart(4, "0") + command;
    const res = await fetch(`${hub.url}/${repoId}/git-receive-pack`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/x-git-receive-pack-request" },
      body: Buffer.concat([Buffer.from(pkt + "0000"), Buffer.from("PACK"), randomBytes(200)]),
    });
    const text = await res.text();
    // git reports a failed unpack in-band (report-status), or refuses outright.
    assert.ok(res.status === 400 || /unpack (?!ok)|ng refs\/heads\/main/.test(text), `${res.status} ${text}`);
    assert.equal(await repoState(), before);
  });

  test("an LFS upload whose bytes do not hash to the oid is refused with 422 and stores nothing", async () => {
    const before = await storeState();
    const body = randomBytes(1000);
    const claimed = createHash("sha256").update("something else").digest("hex");
    const { href } = await batchUpload(claimed, body.length);
    const res = await fetch(href, { method: "PUT", body });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { message: string }).message, /sha256 mismatch/);
    assert.deepEqual(await storeState(), before);
  });

  test("an LFS upload of the wrong size is refused and stores nothing", async () => {
    const before = await storeState();
    const body = randomBytes(1000);
    const oid = createHash("sha256").update(body).digest("hex");
    const { href } = await batchUpload(oid, 999);
    const res = await fetch(href, { method: "PUT", body });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { message: string }).message, /size mismatch/);
    // Chunked, so the server only finds out while streaming.
    const chunked = await fetch(href, {
      method: "PUT",
      body: new ReadableStream({ start(c) { c.enqueue(body); c.close(); } }),
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 422);
    assert.deepEqual(await storeState(), before);
  });

  test("an LFS upload killed half-way leaves nothing in the store or the temp folder", async () => {
    const before = await storeState();
    const body = randomBytes(8 << 20);
    const oid = createHash("sha256").update(body).digest("hex");
    const { href, verify } = await batchUpload(oid, body.length);
    await new Promise<void>((resolve) => {
      const req = httpRequest(href, { method: "PUT", headers: { "content-length": body.length } });
      req.on("error", () => resolve());
      req.write(body.subarray(0, 3 << 20), () => setTimeout(() => { req.destroy(); resolve(); }, 100));
    });
    // The server notices the reset and removes its temp file.
    for (let i = 0; i < 50 && (await storeState()).length !== before.length; i++) await sleep(50);
    assert.deepEqual(await storeState(), before);
    const verified = await fetch(verify, { method: "POST", headers: { "content-type": lfsType }, body: JSON.stringify({ oid, size: body.length }) });
    assert.equal(verified.status, 404);
  });

  test("tampered and expired LFS links are refused", async () => {
    const body = randomBytes(100);
    const oid = createHash("sha256").update(body).digest("hex");
    const { href } = await batchUpload(oid, body.length);
    const tampered = href.replace(/sig=[^&]+/, "sig=AAAA");
    assert.equal((await fetch(tampered, { method: "PUT", body })).status, 401);
    const otherSize = href.replace(/size=\d+/, "size=101");
    assert.equal((await fetch(otherSize, { method: "PUT", body: Buffer.concat([body, Buffer.from("x")]) })).status, 401);
    const expired = href.replace(/exp=\d+/, "exp=1000");
    assert.equal((await fetch(expired, { method: "PUT", body })).status, 401);
    assert.equal((await fetch(href, { method: "PUT", body })).status, 200);
  });

  test("malformed LFS batch requests are refused with 4xx and a message", async () => {
    const url = `${hub.url}/${repoId}.git/info/lfs/objects/batch`;
    const cases: [string, number][] = [
      ["{not json", 400],
      [JSON.stringify({ operation: "delete", objects: [{ oid: "a".repeat(64), size: 1 }] }), 422],
      [JSON.stringify({ operation: "upload", objects: [] }), 422],
      [JSON.stringify({ operation: "upload", objects: [{ oid: "../../etc/passwd", size: 1 }] }), 422],
      [JSON.stringify({ operation: "upload", objects: [{ oid: "A".repeat(64), size: 1 }] }), 422],
      [JSON.stringify({ operation: "upload", objects: [{ oid: "a".repeat(64), size: -1 }] }), 422],
      [JSON.stringify({ operation: "upload", transfers: ["ssh"], objects: [{ oid: "a".repeat(64), size: 1 }] }), 422],
      [JSON.stringify({ operation: "upload", hash_algo: "md5", objects: [{ oid: "a".repeat(64), size: 1 }] }), 409],
    ];
    for (const [body, status] of cases) {
      const res = await fetch(url, { method: "POST", headers: { ...auth(), "content-type": lfsType }, body });
      assert.equal(res.status, status, body);
      assert.ok(((await res.json()) as { message: string }).message.length > 0);
    }
  });

  test("hostile repo names are refused with 400 and create nothing on disk", async () => {
    const before = await filesUnder(hub.dataDir);
    const names = ["../escape", "..", ".hidden", "a/b/c", "name.git", "a--b", "a..b", "nul\0byte", "x".repeat(97), "sp ace", "ünï", ""];
    for (const name of names) {
      const res = await fetch(`${hub.url}/api/repos/create`, {
        method: "POST",
        headers: { ...auth(), "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.ok(res.headers.get("x-error-message"), JSON.stringify(name));
    }
    for (const organization of ["..", "api", "datasets", "../../tmp"]) {
      const res = await fetch(`${hub.url}/api/repos/create`, {
        method: "POST",
        headers: { ...auth(), "content-type": "application/json" },
        body: JSON.stringify({ name: "ok", organization }),
      });
      assert.equal(res.status, 400, organization);
    }
    const after = (await filesUnder(hub.dataDir)).filter((f) => !f.endsWith("-wal") && !f.endsWith("-shm") && !f.endsWith(".db"));
    assert.deepEqual(after, before.filter((f) => !f.endsWith("-wal") && !f.endsWith("-shm") && !f.endsWith(".db")));
  });

  test("traversal in git and LFS URLs finds nothing", async () => {
    const paths = [
      "/%2e%2e/%2e%2e/info/refs?service=git-upload-pack",
      "/alice/..%2F..%2Fmodel/info/refs?service=git-upload-pack",
      "/alice/model/..%2F..%2F/info/refs?service=git-upload-pack",
      `/${"alice"}/model.git/info/lfs/objects/..%2F..%2Fsecret`,
    ];
    for (const p of paths) {
      const res = await fetch(`${hub.url}${p}`, { headers: auth() });
      assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
    }
    const service = await fetch(`${hub.url}/${repoId}/info/refs?service=git-upload-archive`, { headers: auth() });
    assert.equal(service.status, 400);
  });
});
