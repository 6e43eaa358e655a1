import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

const lfsType = "application/vnd.git-lfs+json";

interface BatchObject {
  oid: string;
  size: number;
  actions?: Record<string, { href: string }>;
  error?: { code: number; message: string };
}

describe("LFS batch API, transfers and verify", () => {
  let hub: TestHub;
  let alice: string;
  let bob: string;
  const body = randomBytes(300_000);
  const oid = createHash("sha256").update(body).digest("hex");

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    bob = await hub.user("bob");
    await createRepo(hub, alice, "secret", { private: true });
    await createRepo(hub, bob, "mine");
  });
  after(() => hub.close());

  async function batch(repoPath: string, token: string, operation: string, objects: { oid: string; size: number }[]) {
    const res = await fetch(`${hub.url}/${repoPath}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `${lfsType}; charset=utf-8`, accept: lfsType },
      body: JSON.stringify({ operation, transfers: ["lfs-standalone-file", "basic", "ssh"], hash_algo: "sha256", ref: { name: "refs/heads/main" }, objects }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get("content-type") ?? "", /^application\/vnd\.git-lfs\+json/);
    const json = (await res.json()) as { transfer: string; hash_algo: string; objects: BatchObject[] };
    assert.equal(json.transfer, "basic");
    assert.equal(json.hash_algo, "sha256");
    return json.objects;
  }

  test("upload: signed PUT without credentials, verify, then the object needs no second upload", async () => {
    const [first] = await batch("alice/secret", alice, "upload", [{ oid, size: body.length }]);
    const put = await fetch(first!.actions!.upload!.href, { method: "PUT", body, headers: { "content-type": "application/octet-stream" } });
    assert.equal(put.status, 200);
    const verify = (size: number) =>
      fetch(first!.actions!.verify!.href, { method: "POST", headers: { "content-type": lfsType }, body: JSON.stringify({ oid, size }) });
    assert.equal((await verify(body.length)).status, 200);
    assert.equal((await verify(body.length + 1)).status, 404);
    const [again] = await batch("alice/secret", alice, "upload", [{ oid, size: body.length }]);
    assert.equal(again!.actions, undefined, "already stored objects get no actions");
  });

  test("download: whole, ranged, suffix range, unsatisfiable range and HEAD", async () => {
    const [obj] = await batch("alice/secret", alice, "download", [{ oid, size: body.length }]);
    const href = obj!.actions!.download!.href;
    const whole = await fetch(href);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-length"), String(body.length));
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), body);

    const part = await fetch(href, { headers: { range: "bytes=1000-1999" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1000-1999/${body.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), body.subarray(1000, 2000));

    const tail = await fetch(href, { headers: { range: "bytes=-10" } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), body.subarray(body.length - 10));

    const beyond = await fetch(href, { headers: { range: `bytes=${body.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), `bytes */${body.length}`);

    const head = await fetch(href, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(body.length));
  });

  test("the owner downloads with basic auth and no signature; others get not-found", async () => {
    const url = `${hub.url}/alice/secret.git/info/lfs/objects/${oid}`;
    const basic = `Basic ${Buffer.from(`hf_user:${alice}`).toString("base64")}`;
    assert.equal((await fetch(url, { headers: { authorization: basic } })).status, 200);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${bob}` } })).status, 404);
    assert.equal((await fetch(url)).status, 401);
  });

  test("knowing an oid is not enough to read it through another repo", async () => {
    // Bob claims alice's private object for his own repo: he is asked to upload the bytes.
    const [claim] = await batch("bob/mine", bob, "upload", [{ oid, size: body.length }]);
    assert.ok(claim!.actions?.upload, "an object not linked to this repo must be uploaded, not assumed");
    const [download] = await batch("bob/mine", bob, "download", [{ oid, size: body.length }]);
    assert.equal(download!.error?.code, 404);
    assert.equal((await fetch(`${hub.url}/bob/mine.git/info/lfs/objects/${oid}`, { headers: { authorization: `Bearer ${bob}` } })).status, 404);
  });

  test("a download link signed for one repo does not open another", async () => {
    const [obj] = await batch("alice/secret", alice, "download", [{ oid, size: body.length }]);
    const moved = obj!.actions!.download!.href.replace("/alice/secret.git/", "/bob/mine.git/");
    assert.equal((await fetch(moved)).status, 401);
  });

  test("locking is not offered: locks/verify answers 404 so git-lfs stops asking", async () => {
    const res = await fetch(`${hub.url}/alice/secret.git/info/lfs/locks/verify`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": lfsType },
      body: JSON.stringify({ ref: { name: "refs/heads/main" } }),
    });
    assert.equal(res.status, 404);
  });
});
