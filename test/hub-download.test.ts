import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { downloadFile, fileDownloadInfo, fileExists } from "@huggingface/hub";
import { GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { RepoClone } from "./support/repo-clone.js";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const pointerText = (oid: string, size: number) => `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;

/** Downloads through `/resolve` and `/raw` with the official @huggingface/hub client and plain HTTP. */
describe("file download (/resolve, /raw)", () => {
  let hub: TestHub;
  let git: GitCli;
  let token: string;
  let clone: RepoClone;
  // Files pushed with git + git-lfs.
  const weights = randomBytes(3 * 1024 * 1024);
  const big = Buffer.from(randomBytes(540 * 1024).toString("base64")); // > 512 KiB: streams from its own git process
  const config = '{"model_type": "llama"}\n';
  const oddPath = "sub dir/wé ird ✓.txt";
  const commits: Record<"main" | "dev" | "pr", string> = { main: "", dev: "", pr: "" };

  before(async () => {
    hub = await startHub();
    git = await GitCli.create();
    token = await hub.user("alice");
    await createRepo(hub, token, "files");
    clone = await RepoClone.create(git, hub.url, "alice/files", token);
    await clone.write({
      "config.json": config,
      "model.safetensors": weights,
      "big.txt": big,
      "empty.txt": "",
      [oddPath]: "unicode\n",
    });
    await clone.commit("add files");
    await clone.push("HEAD:main");
    // A pointer committed as a plain file whose object was never uploaded.
    await clone.write({ "orphan.txt": pointerText("ab".repeat(32), 1234) });
    commits.main = await clone.commit("add a dangling pointer");
    await clone.push("HEAD:main", { noVerify: true });
    await clone.run(["tag", "v1"]);
    await clone.push("v1");
    await clone.write({ "config.json": '{"model_type": "dev"}\n' });
    commits.dev = await clone.commit("dev config");
    await clone.push("HEAD:dev");
    await clone.run(["checkout", "--quiet", "--detach", commits.main]);
    await clone.write({ "config.json": '{"model_type": "pr"}\n' });
    commits.pr = await clone.commit("pr config");
    // Pull-request refs arrive by plain push.
    await clone.push("HEAD:refs/pr/1");
  });
  after(async () => {
    await hub.close();
    await git.dispose();
  });

  test("downloadFile returns a regular file byte for byte; fileDownloadInfo gives its git blob id and size", async () => {
    const blob = await downloadFile({ repo: "alice/files", path: "config.json", hubUrl: hub.url });
    assert.ok(blob);
    assert.equal(await blob.text(), config);
    const info = await fileDownloadInfo({ repo: "alice/files", path: "config.json", hubUrl: hub.url });
    assert.equal(info?.size, Buffer.byteLength(config));
    assert.equal(info?.etag, `"${await clone.blobId(commits.main, "config.json")}"`);
  });

  test("an LFS file pushed with git-lfs downloads byte for byte, with its sha256 as ETag", async () => {
    const blob = await downloadFile({ repo: "alice/files", path: "model.safetensors", hubUrl: hub.url });
    assert.ok(blob);
    assert.ok(Buffer.from(await blob.arrayBuffer()).equals(weights));
    const info = await fileDownloadInfo({ repo: "alice/files", path: "model.safetensors", hubUrl: hub.url });
    assert.deepEqual(info && { etag: info.etag, size: info.size }, { etag: `"${sha256(weights)}"`, size: weights.length });
  });

  test("a ranged downloadFile probes with bytes=0-0, then asks for exactly the slice and gets it", async () => {
    const sent: (string | null)[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get("range"));
      return fetch(input, init);
    };
    const blob = await downloadFile({ repo: "alice/files", path: "model.safetensors", hubUrl: hub.url, fetch: recording });
    const slice = Buffer.from(await blob!.slice(1_000_000, 1_000_100).arrayBuffer());
    assert.ok(slice.equals(weights.subarray(1_000_000, 1_000_100)));
    assert.deepEqual(sent, ["bytes=0-0", "bytes=1000000-1000099"]);
  });

  test("HEAD on /resolve gives the real length, a quoted content hash, the commit and no body", async () => {
    const regular = await fetch(`${hub.url}/alice/files/resolve/main/config.json`, { method: "HEAD" });
    assert.equal(regular.status, 200);
    assert.equal(regular.headers.get("content-length"), String(Buffer.byteLength(config)));
    assert.equal(regular.headers.get("etag"), `"${await clone.blobId(commits.main, "config.json")}"`);
    assert.equal(regular.headers.get("x-repo-commit"), commits.main);
    assert.equal(regular.headers.get("accept-ranges"), "bytes");
    assert.equal(regular.headers.get("x-linked-etag"), null);
    assert.equal(await regular.text(), "");

    const lfs = await fetch(`${hub.url}/alice/files/resolve/main/model.safetensors`, { method: "HEAD" });
    assert.equal(lfs.headers.get("content-length"), String(weights.length));
    assert.equal(lfs.headers.get("etag"), `"${sha256(weights)}"`);
    assert.equal(lfs.headers.get("x-linked-etag"), `"${sha256(weights)}"`);
    assert.equal(lfs.headers.get("x-linked-size"), String(weights.length));
    assert.deepEqual([...lfs.headers.keys()].filter((h) => h.startsWith("x-xet")), []);
  });

  test("a regular file larger than the buffered limit streams from git, whole and by range", async () => {
    const whole = await fetch(`${hub.url}/alice/files/resolve/main/big.txt`);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(big));
    const middle = await fetch(`${hub.url}/alice/files/resolve/main/big.txt`, { headers: { range: "bytes=300000-300999" } });
    assert.equal(middle.status, 206);
    assert.equal(middle.headers.get("content-range"), `bytes 300000-300999/${big.length}`);
    assert.ok(Buffer.from(await middle.arrayBuffer()).equals(big.subarray(300000, 301000)));
    const suffix = await fetch(`${hub.url}/alice/files/resolve/main/big.txt`, { headers: { range: "bytes=-10" } });
    assert.ok(Buffer.from(await suffix.arrayBuffer()).equals(big.subarray(big.length - 10)));
  });

  test("a range past the end is 416 with the total size", async () => {
    const res = await fetch(`${hub.url}/alice/files/resolve/main/config.json`, { headers: { range: "bytes=5000-" } });
    assert.equal(res.status, 416);
    assert.equal(res.headers.get("content-range"), `bytes */${Buffer.byteLength(config)}`);
  });

  test("an empty file answers the bytes=0-0 probe with its size, so downloadFile works", async () => {
    const info = await fileDownloadInfo({ repo: "alice/files", path: "empty.txt", hubUrl: hub.url });
    assert.equal(info?.size, 0);
    const blob = await downloadFile({ repo: "alice/files", path: "empty.txt", hubUrl: hub.url });
    assert.equal(await blob!.text(), "");
  });

  test("/raw serves an LFS file's pointer text, with the pointer blob's id as ETag", async () => {
    const res = await fetch(`${hub.url}/alice/files/raw/main/model.safetensors`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), pointerText(sha256(weights), weights.length));
    assert.equal(res.headers.get("etag"), `"${await clone.blobId(commits.main, "model.safetensors")}"`);
    assert.equal(res.headers.get("x-linked-size"), null);
    const raw = await downloadFile({ repo: "alice/files", path: "model.safetensors", hubUrl: hub.url, raw: true });
    assert.match(await raw!.text(), /^version https:\/\/git-lfs/);
  });

  test("fileExists (HEAD /raw) is true for a file and false for a missing one", async () => {
    assert.equal(await fileExists({ repo: "alice/files", path: "config.json", hubUrl: hub.url }), true);
    assert.equal(await fileExists({ repo: "alice/files", path: "nope.json", hubUrl: hub.url }), false);
  });

  test("a revision can be a branch, a tag, a full or short commit id, or HEAD", async () => {
    const cases: [revision: string, commit: string, body: string][] = [
      ["dev", commits.dev, '{"model_type": "dev"}\n'],
      ["v1", commits.main, config],
      [commits.dev, commits.dev, '{"model_type": "dev"}\n'],
      [commits.dev.slice(0, 10), commits.dev, '{"model_type": "dev"}\n'],
      ["HEAD", commits.main, config],
    ];
    for (const [revision, commit, body] of cases) {
      const res = await fetch(`${hub.url}/alice/files/resolve/${revision}/config.json`);
      assert.equal(res.status, 200, revision);
      assert.equal(res.headers.get("x-repo-commit"), commit, revision);
      assert.equal(await res.text(), body, revision);
    }
  });

  test("refs/pr/1 resolves %2F-encoded (Python, JS, transformers.js) and raw", async () => {
    for (const revision of ["refs%2Fpr%2F1", "refs/pr/1"]) {
      const res = await fetch(`${hub.url}/alice/files/resolve/${revision}/config.json`);
      assert.equal(res.headers.get("x-repo-commit"), commits.pr, revision);
      assert.equal(await res.text(), '{"model_type": "pr"}\n', revision);
    }
    const blob = await downloadFile({ repo: "alice/files", path: "config.json", revision: "refs/pr/1", hubUrl: hub.url });
    assert.equal(await blob!.text(), '{"model_type": "pr"}\n');
  });

  test("paths with spaces and unicode download through the JS client and percent-encoded URLs", async () => {
    const blob = await downloadFile({ repo: "alice/files", path: oddPath, hubUrl: hub.url });
    assert.equal(await blob!.text(), "unicode\n");
    const encoded = oddPath.split("/").map(encodeURIComponent).join("/");
    const res = await fetch(`${hub.url}/alice/files/resolve/main/${encoded}`);
    assert.equal(await res.text(), "unicode\n");
    assert.match(res.headers.get("content-disposition") ?? "", /filename\*=UTF-8''w%C3%A9%20ird%20%E2%9C%93\.txt/);
  });

  test("datasets and spaces serve files under their URL prefixes", async () => {
    for (const type of ["dataset", "space"] as const) {
      await createRepo(hub, token, `${type}-files`, { type });
      const c = await RepoClone.create(git, hub.url, `${type}s/alice/${type}-files`, token);
      await c.write({ "data.bin": Buffer.from(`lfs bytes of a ${type}`), "notes.md": `a ${type}\n` });
      await c.commit("add");
      await c.push();
      const blob = await downloadFile({ repo: { type, name: `alice/${type}-files` }, path: "data.bin", hubUrl: hub.url });
      assert.equal(await blob!.text(), `lfs bytes of a ${type}`);
      const res = await fetch(`${hub.url}/${type}s/alice/${type}-files/resolve/main/notes.md`);
      assert.equal(await res.text(), `a ${type}\n`);
    }
  });

  test("a pointer whose object the hub does not hold is a 404 that says so, not the pointer text", async () => {
    const res = await fetch(`${hub.url}/alice/files/resolve/main/orphan.txt`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get("x-error-message") ?? "", /LFS object .* is not stored on this hub/);
    assert.equal(res.headers.get("x-error-code"), null);
  });

  test("an LFS object uploaded to another repo is not served through a pointer in this one", async () => {
    await createRepo(hub, token, "borrower");
    const c = await RepoClone.create(git, hub.url, "alice/borrower", token);
    await c.write({ "borrowed.txt": pointerText(sha256(weights), weights.length) });
    await c.commit("point at someone else's object");
    await c.push("HEAD:main", { noVerify: true });
    const res = await fetch(`${hub.url}/alice/borrower/resolve/main/borrowed.txt`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get("x-error-message") ?? "", /not stored on this hub/);
  });
});
