import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, test } from "node:test";
import type { BlobStore } from "../src/lib/storage/blob-store.js";
import { FsBlobStore } from "../src/lib/storage/fs-blob-store.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The `BlobStore` contract; every implementation (filesystem, S3) runs it. */
function describeBlobStore(
  name: string,
  create: () => Promise<{ store: BlobStore; leftovers: () => Promise<string[]>; cleanup: () => Promise<void> }>,
) {
  describe(`BlobStore: ${name}`, () => {
    let store: BlobStore;
    let leftovers: () => Promise<string[]>;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, leftovers, cleanup } = await create()));
    after(() => cleanup());

    test("stores verified bytes and reads them back whole and by range", async () => {
      const body = Buffer.from("hello, large file storage");
      await store.put(sha(body), body.length, Readable.from([body]));
      assert.deepEqual(await store.stat(sha(body)), { size: body.length });
      assert.equal(await text(await store.read(sha(body))), body.toString());
      assert.equal(await text(await store.read(sha(body), { start: 7, end: 11 })), "large");
    });

    test("refuses bytes that do not match the oid and keeps nothing", async () => {
      const body = randomBytes(5000);
      const wrong = sha(Buffer.from("other"));
      await assert.rejects(store.put(wrong, body.length, Readable.from([body])), /sha256 mismatch/);
      assert.equal(await store.stat(wrong), undefined);
      assert.deepEqual(await leftovers(), []);
    });

    test("refuses a body longer or shorter than declared and keeps nothing", async () => {
      const body = randomBytes(5000);
      await assert.rejects(store.put(sha(body), 4999, Readable.from([body])), /size mismatch/);
      await assert.rejects(store.put(sha(body), 5001, Readable.from([body])), /size mismatch/);
      assert.equal(await store.stat(sha(body)), undefined);
      assert.deepEqual(await leftovers(), []);
    });

    test("an upload stream that fails half-way keeps nothing", async () => {
      const body = randomBytes(1 << 20);
      async function* failing() {
        yield body.subarray(0, 1000);
        throw new Error("connection reset");
      }
      await assert.rejects(store.put(sha(body), body.length, Readable.from(failing())), /connection reset/);
      assert.equal(await store.stat(sha(body)), undefined);
      assert.deepEqual(await leftovers(), []);
    });

    test("storing an object twice is harmless, and delete removes it", async () => {
      const body = randomBytes(100);
      await store.put(sha(body), 100, Readable.from([body]));
      await store.put(sha(body), 100, Readable.from([body]));
      await store.delete(sha(body));
      assert.equal(await store.stat(sha(body)), undefined);
      await store.delete(sha(body));
      await assert.rejects(store.read(sha(body)), (err: { kind?: string }) => err.kind === "NotFound");
    });

    test("refuses oids that are not sha256 hex, so keys can never escape the store", async () => {
      for (const oid of ["../../etc/passwd", "A".repeat(64), "a".repeat(63), ""]) {
        await assert.rejects(store.stat(oid), /invalid LFS oid/);
      }
    });
  });
}

describeBlobStore("filesystem", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "modelport-blobs-"));
  const tmp = path.join(dir, "tmp");
  return {
    store: await FsBlobStore.create(path.join(dir, "lfs"), tmp),
    leftovers: () => readdir(tmp),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
