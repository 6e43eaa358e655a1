import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { uploadFiles } from "@huggingface/hub";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { blobAt, fileLine, header, postCommit, recordingFetch, refOf, uploadLfsObject } from "./support/hub-write.js";

describe("validate-yaml", () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(() => hub.close());

  const validate = (content: string) =>
    fetch(`${hub.url}/api/validate-yaml`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content, repoType: "model" }),
    });

  test("a valid card, or none, gives 200 with empty errors and warnings", async () => {
    for (const content of ["---\nlicense: mit\ntags: [a, b]\n---\n# Model\n", "# no front matter\n"]) {
      const res = await validate(content);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { errors: [], warnings: [] });
    }
  });

  test("malformed YAML is a 400 whose JSON lists the error (huggingface_hub reads `errors`)", async () => {
    const res = await validate("---\nlicense: [mit\n---\n");
    assert.equal(res.status, 400);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await res.json()) as { errors: { message: string }[]; warnings: unknown[] };
    assert.equal(body.errors.length, 1);
    assert.match(body.errors[0]!.message, /invalid YAML/);
    assert.deepEqual(body.warnings, []);
  });

  test("fields of the wrong type are warnings, not errors", async () => {
    const res = await validate("---\ntags: {a: 1}\npipeline_tag: 3\n---\n");
    assert.equal(res.status, 200);
    const body = (await res.json()) as { errors: unknown[]; warnings: { message: string }[] };
    assert.deepEqual(body.errors, []);
    assert.deepEqual(body.warnings.map((w) => w.message), ['"tags" must be a string or a list of strings', '"pipeline_tag" must be a string']);
  });
});

describe("preupload", () => {
  let hub: TestHub;
  let alice: string;
  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    await createRepo(hub, alice, "m");
    // A .gitignore, a regular file and an LFS file on main, to compare against.
    const linked = randomBytes(100);
    const oid = createHash("sha256").update(linked).digest("hex");
    await uploadLfsObject(hub, alice, "alice/m", linked);
    const res = await postCommit(hub, alice, "alice/m", [
      header("seed"),
      fileLine(".gitignore", "*.log\nbuild/\n!keep.log\n"),
      fileLine("config.json", "{}\n"),
      { key: "lfsFile", value: { path: "w.bin", algo: "sha256", oid, size: linked.length } },
    ]);
    assert.equal(res.status, 200, await res.text());
  });
  after(() => hub.close());

  async function preupload(body: object, revision = "main", token = alice) {
    const res = await fetch(`${hub.url}/api/models/alice/m/preupload/${revision}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, code: res.headers.get("x-error-code"), body: (await res.json()) as { files: Record<string, unknown>[] } };
  }
  const sample = (b: Buffer) => b.subarray(0, 512).toString("base64");

  test("lfs by .gitattributes pattern, by size, by a NUL in the sample; regular otherwise", async () => {
    const { status, body } = await preupload({
      files: [
        { path: "model.safetensors", size: 10, sample: sample(Buffer.from("0123456789")) },
        { path: "big.txt", size: 10 * 1024 * 1024, sample: sample(Buffer.from("text")) },
        { path: "blob.dat", size: 4, sample: sample(Buffer.from([1, 0, 2, 3])) },
        { path: "notes.txt", size: 5, sample: sample(Buffer.from("hello")) },
        { path: ".gitattributes", size: 20, sample: sample(Buffer.from("*.x filter=lfs\0")) },
        { path: "empty.bin", size: 0, sample: "" },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      body.files.map((f) => [f.path, f.uploadMode]),
      [
        ["model.safetensors", "lfs"], ["big.txt", "lfs"], ["blob.dat", "lfs"], ["notes.txt", "regular"],
        [".gitattributes", "regular"], ["empty.bin", "regular"],
      ],
    );
  });

  test("shouldIgnore is always present and follows the repo's .gitignore", async () => {
    const { body } = await preupload({
      files: ["a.log", "keep.log", "build/out.o", "src/main.py"].map((p) => ({ path: p, size: 3, sample: sample(Buffer.from("abc")) })),
    });
    assert.deepEqual(body.files.map((f) => [f.path, f.shouldIgnore]), [
      ["a.log", true], ["keep.log", false], ["build/out.o", true], ["src/main.py", false],
    ]);
  });

  test("a .gitignore sent with the request (huggingface_hub's gitIgnore) takes the repo's place", async () => {
    const { body } = await preupload({ gitIgnore: "*.py\n", files: [{ path: "a.log", size: 1, sample: "" }, { path: "x.py", size: 1, sample: "" }] });
    assert.deepEqual(body.files.map((f) => f.shouldIgnore), [false, true]);
  });

  test("the .gitattributes sent with the request (@huggingface/hub's gitAttributes) takes the repo's place", async () => {
    const { body } = await preupload({
      gitAttributes: "*.txt filter=lfs diff=lfs merge=lfs -text\n",
      files: [{ path: "a.txt", size: 3, sample: sample(Buffer.from("abc")) }, { path: "b.safetensors", size: 3, sample: sample(Buffer.from("abc")) }],
    });
    assert.deepEqual(body.files.map((f) => f.uploadMode), ["lfs", "regular"]);
  });

  test("oid of unchanged files: git blob id for regular files, sha256 for LFS files", async () => {
    const { body } = await preupload({
      files: [{ path: "config.json", size: 3, sample: sample(Buffer.from("{}\n")) }, { path: "w.bin", size: 100, sample: "" }, { path: "new.txt", size: 1, sample: "" }],
    });
    const blobId = (await import("node:child_process")).execFileSync("git", ["hash-object", "--stdin"], { input: "{}\n" }).toString().trim();
    const pointer = await blobAt(hub, "alice/m", "main", "w.bin");
    assert.equal(body.files[0]!.oid, blobId);
    assert.equal(body.files[1]!.oid, /oid sha256:([0-9a-f]{64})/.exec(pointer)![1]);
    assert.equal(body.files[2]!.oid, undefined);
  });

  test("unknown branch is 404 RevisionNotFound; read tokens and other users are refused", async () => {
    const files = [{ path: "a", size: 1, sample: "" }];
    const missing = await preupload({ files }, "nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.code, "RevisionNotFound");
    assert.equal((await preupload({ files }, "main", await hub.token("alice", "read"))).status, 403);
    assert.equal((await preupload({ files }, "main", await hub.user("mallory"))).status, 403);
  });
});

describe("uploadFiles with the official client, then git clone", () => {
  let hub: TestHub;
  let alice: string;
  let git: GitCli;
  const big = randomBytes(30 * 1000 * 1000);
  const small = Buffer.from("{\"hidden_size\": 8}\n");
  const binary = Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00]);

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    await createRepo(hub, alice, "m");
    git = await GitCli.create();
  });
  after(async () => {
    await git.dispose();
    await hub.close();
  });

  test("a 30 MB LFS file and small files land in one commit; the client sends what the Hub expects", async () => {
    const rec = recordingFetch();
    const out = await uploadFiles({
      repo: "alice/m",
      accessToken: alice,
      hubUrl: hub.url,
      fetch: rec.fetch,
      files: [
        { path: "sub dir/weights.gguf", content: new Blob([big]) },
        { path: "config.json", content: new Blob([small]) },
        { path: "raw.dat", content: new Blob([binary]) },
        { path: "my data/raw file.dat", content: new Blob([binary]) },
      ],
    });
    const head = await refOf(hub, "alice/m");
    assert.equal(out?.commit.oid, head);
    assert.equal(out?.commit.url, `${hub.url}/alice/m/commit/${head}`);

    // 1. preupload, 2. LFS batch, 3. PUTs without credentials, 4. the NDJSON commit
    const batch = rec.requests.find((r) => r.url.endsWith("/info/lfs/objects/batch"))!;
    const batchBody = JSON.parse(batch.body!) as { transfers: string[]; hash_algo: string; ref: { name: string } };
    assert.deepEqual(batchBody.transfers, ["basic", "multipart", "xet"]);
    assert.equal(batchBody.hash_algo, "sha_256");
    assert.deepEqual(batchBody.ref, { name: "main" });
    const puts = rec.requests.filter((r) => r.method === "PUT");
    assert.equal(puts.length, 2, "the big file and the binary content (once for two paths) go to LFS");
    for (const put of puts) {
      assert.equal(put.headers.authorization, undefined);
      assert.equal(put.status, 200);
    }
    const commit = rec.requests.find((r) => r.url.includes("/commit/main"))!;
    assert.equal(commit.headers["content-type"], "application/x-ndjson");

    const pointer = await blobAt(hub, "alice/m", "main", "sub dir/weights.gguf");
    assert.match(pointer, new RegExp(`^version https://git-lfs.github.com/spec/v1\noid sha256:${createHash("sha256").update(big).digest("hex")}\nsize ${big.length}\n$`));
    assert.equal(await blobAt(hub, "alice/m", "main", "config.json"), small.toString());
  });

  test("the API-committed files are cloned by git + git-lfs as real bytes", async () => {
    const dir = path.join(git.work, "clone");
    await git.run(["clone", "--quiet", authUrl(hub.url, "alice/m", alice), dir], git.work);
    assert.deepEqual(await readFile(path.join(dir, "sub dir/weights.gguf")), big);
    assert.deepEqual(await readFile(path.join(dir, "config.json")), small);
    // paths no pattern tracks were added to .gitattributes: a root name anchored, spaces as git-lfs writes them
    assert.deepEqual(await readFile(path.join(dir, "raw.dat")), binary);
    assert.deepEqual(await readFile(path.join(dir, "my data/raw file.dat")), binary);
    const attributes = await readFile(path.join(dir, ".gitattributes"), "utf8");
    assert.ok(
      attributes.endsWith("/raw.dat filter=lfs diff=lfs merge=lfs -text\nmy[[:space:]]data/raw[[:space:]]file.dat filter=lfs diff=lfs merge=lfs -text\n"),
      attributes,
    );
    const { stdout } = await git.run(["status", "--porcelain"], dir);
    assert.equal(stdout, "", "a fresh clone is clean: every pointer was smudged");
  });
});
