import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { Sha256, sha256OfBlob } from "../web/src/lib/sha256.js";

/** The web app's incremental SHA-256 (LFS oids of uploads) against node:crypto. */
test("matches node:crypto for every padding boundary, fed in uneven pieces", () => {
  for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_003]) {
    const data = randomBytes(n);
    const hash = new Sha256();
    for (let i = 0, step = 1; i < n; i += step, step = (step * 7) % 193 || 1) hash.update(data.subarray(i, Math.min(n, i + step)));
    assert.equal(hash.digestHex(), createHash("sha256").update(data).digest("hex"), `${n} bytes`);
  }
});

test("known vector: sha256('abc')", () => {
  assert.equal(new Sha256().update(new TextEncoder().encode("abc")).digestHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("hashes a Blob chunk by chunk and reports progress up to its size", async () => {
  const data = randomBytes(3 * 65536 + 17);
  const seen: number[] = [];
  const oid = await sha256OfBlob(new Blob([data]), (n) => seen.push(n), undefined, 65536);
  assert.equal(oid, createHash("sha256").update(data).digest("hex"));
  assert.deepEqual(seen, [65536, 131072, 196608, data.length]);
});

test("stops when aborted", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(sha256OfBlob(new Blob([randomBytes(10)]), undefined, controller.signal), { name: "AbortError" });
});
