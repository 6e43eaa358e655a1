import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { uploadFile } from "@huggingface/hub";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { blobAt, recordingFetch, tmpLeftovers } from "./support/hub-write.js";

const lfsType = "application/vnd.git-lfs+json";
const chunk = 256 * 1024;

interface UploadAction {
  href: string;
  header?: Record<string, string>;
}
interface BatchReply {
  transfer: string;
  objects: { oid: string; size: number; actions?: { upload?: UploadAction; verify?: UploadAction }; error?: unknown }[];
}

describe("multipart LFS uploads", () => {
  let hub: TestHub;
  let alice: string;

  before(async () => {
    hub = await startHub({ lfsMultipartChunkSize: chunk });
    alice = await hub.user("alice");
    await createRepo(hub, alice, "m");
  });
  after(() => hub.close());

  async function batch(objects: { oid: string; size: number }[], transfers: string[]): Promise<BatchReply> {
    const res = await fetch(`${hub.url}/alice/m.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": lfsType, accept: lfsType },
      body: JSON.stringify({ operation: "upload", transfers, hash_algo: "sha256", objects: objects.map(({ oid, size }) => ({ oid, size })) }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as BatchReply;
  }
  const object = (size: number) => {
    const content = randomBytes(size);
    return { content, oid: createHash("sha256").update(content).digest("hex"), size };
  };
  const putPart = (url: string, body: Buffer) => fetch(url, { method: "PUT", body: new Uint8Array(body) });
  const complete = (href: string, oid: string, parts: { partNumber: number; etag: string }[]) =>
    fetch(href, { method: "POST", headers: { "content-type": lfsType, accept: lfsType }, body: JSON.stringify({ oid, parts }) });

  test("uploadFile with the official client sends a large file in parallel parts, and git clones it", async () => {
    const content = randomBytes(5 * chunk + 1234);
    const rec = recordingFetch();
    await uploadFile({ repo: "alice/m", accessToken: alice, hubUrl: hub.url, fetch: rec.fetch, file: { path: "big.bin", content: new Blob([content]) } });

    // 1. parts: one signed PUT each, no credentials; 2. one completion POST; 3. the commit
    const parts = rec.requests.filter((r) => r.method === "PUT");
    assert.equal(parts.length, 6);
    assert.ok(parts.every((r) => r.status === 200 && r.headers.authorization === undefined && /\/multipart\//.test(r.url)));
    const completion = rec.requests.filter((r) => r.method === "POST" && /\/multipart\//.test(r.url));
    assert.equal(completion.length, 1);
    assert.equal(completion[0]!.headers.authorization, undefined);
    assert.match(await blobAt(hub, "alice/m", "main", "big.bin"), new RegExp(`size ${content.length}\n$`));
    assert.deepEqual(await tmpLeftovers(hub), [], "parts are removed once joined");

    const git = await GitCli.create();
    try {
      const dir = path.join(git.work, "clone");
      await git.run(["clone", "--quiet", authUrl(hub.url, "alice/m", alice), dir], git.work);
      assert.deepEqual(await readFile(path.join(dir, "big.bin")), content);
    } finally {
      await git.dispose();
    }
  });

  test("offered only to clients that list multipart, and only when an object is larger than a part", async () => {
    const large = object(chunk + 1);
    const small = object(10);
    // git-lfs never lists multipart: one PUT, whatever the size
    const gitLfs = await batch([large], ["lfs-standalone-file", "basic", "ssh"]);
    assert.equal(gitLfs.transfer, "basic");
    assert.equal(gitLfs.objects[0]!.actions!.upload!.header, undefined);
    // a batch of small objects stays basic even for multipart clients
    assert.equal((await batch([small], ["basic", "multipart"])).transfer, "basic");
    // a large object: parts of the configured size, keyed by number, plus chunk_size
    const reply = await batch([large, small], ["basic", "multipart"]);
    assert.equal(reply.transfer, "multipart");
    const header = reply.objects[0]!.actions!.upload!.header!;
    assert.equal(header.chunk_size, String(chunk));
    assert.deepEqual(Object.keys(header).filter((k) => /^\d+$/.test(k)), ["1", "2"]);
    // in a multipart batch every upload is multipart (git-lfs' multipart agent reads chunk_size from each)
    assert.deepEqual(Object.keys(reply.objects[1]!.actions!.upload!.header!), ["1", "chunk_size"]);
  });

  test("parts may arrive in any order; completion joins them in order and verify then accepts the object", async () => {
    const o = object(2 * chunk + 7);
    const { upload, verify } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!;
    const etags: string[] = [];
    for (const n of [3, 1, 2]) {
      const res = await putPart(upload!.header![String(n)]!, o.content.subarray((n - 1) * chunk, n * chunk));
      assert.equal(res.status, 200, await res.clone().text());
      etags[n - 1] = res.headers.get("etag")!;
      assert.match(etags[n - 1]!, /^"[0-9a-f]{64}"$/);
    }
    const res = await complete(upload!.href, o.oid, [3, 1, 2].map((n) => ({ partNumber: n, etag: etags[n - 1]! })));
    assert.equal(res.status, 200, await res.clone().text());
    const v = await fetch(verify!.href, { method: "POST", headers: { "content-type": lfsType }, body: JSON.stringify({ oid: o.oid, size: o.size }) });
    assert.equal(v.status, 200);
    assert.equal((await batch([o], ["basic", "multipart"])).objects[0]!.actions, undefined, "stored and linked: nothing to upload");
  });

  test("a part of the wrong length is refused and nothing is kept of it", async () => {
    const o = object(chunk + 10);
    const { upload } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!;
    // git-lfs' batch.md: validation errors on LFS routes are 422
    assert.equal((await putPart(upload!.header!["1"]!, o.content.subarray(0, chunk - 1))).status, 422);
    assert.equal((await putPart(upload!.header!["2"]!, o.content.subarray(chunk - 5))).status, 422);
    assert.deepEqual((await tmpLeftovers(hub)).filter((f) => f.endsWith(".tmp")), []);
  });

  test("completion with a missing part, a wrong etag or wrong bytes fails, stores nothing and removes the parts", async () => {
    const o = object(2 * chunk);
    const stored = () => batch([o], ["basic", "multipart"]).then((r) => r.objects[0]!.actions === undefined);

    // a missing part
    let { upload } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!;
    const e1 = (await putPart(upload!.header!["1"]!, o.content.subarray(0, chunk))).headers.get("etag")!;
    let res = await complete(upload!.href, o.oid, [{ partNumber: 1, etag: e1 }, { partNumber: 2, etag: e1 }]);
    assert.equal(res.status, 422);
    assert.match(res.headers.get("x-error-message") ?? "", /part 2/);

    // an etag that is not the one the part answered
    ({ upload } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!);
    const a = (await putPart(upload!.header!["1"]!, o.content.subarray(0, chunk))).headers.get("etag")!;
    await putPart(upload!.header!["2"]!, o.content.subarray(chunk));
    res = await complete(upload!.href, o.oid, [{ partNumber: 1, etag: a }, { partNumber: 2, etag: a }]);
    assert.equal(res.status, 422);
    assert.match(res.headers.get("x-error-message") ?? "", /etag given for part 2/);

    // parts swapped: every etag matches its part, but the object's sha256 does not
    ({ upload } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!);
    const p1 = await putPart(upload!.header!["1"]!, o.content.subarray(chunk));
    const p2 = await putPart(upload!.header!["2"]!, o.content.subarray(0, chunk));
    res = await complete(upload!.href, o.oid, [{ partNumber: 1, etag: p1.headers.get("etag")! }, { partNumber: 2, etag: p2.headers.get("etag")! }]);
    assert.equal(res.status, 422);
    assert.match(res.headers.get("x-error-message") ?? "", /sha256 mismatch/);

    assert.equal(await stored(), false);
    assert.deepEqual(await tmpLeftovers(hub), []);
  });

  test("links are bound to their part, object and repo: a tampered link is 401", async () => {
    const o = object(chunk + 1);
    const { upload } = (await batch([o], ["basic", "multipart"])).objects[0]!.actions!;
    const part1 = upload!.header!["1"]!;
    assert.equal((await putPart(part1.replace(/\/1\?/, "/2?"), o.content.subarray(chunk))).status, 401);
    assert.equal((await putPart(part1.replace(`size=${o.size}`, `size=${o.size + 1}`), o.content.subarray(0, chunk))).status, 401);
    await createRepo(hub, alice, "other");
    assert.equal((await putPart(part1.replace("/alice/m.git/", "/alice/other.git/"), o.content.subarray(0, chunk))).status, 401);
    assert.equal((await complete(upload!.href.replace(/sig=[^&]+/, "sig=AAAA"), o.oid, [])).status, 401);
  });
});
