import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseRange } from "../src/http/hub/compare.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";

/** The web app's diff endpoint, `GET /api/{t}/<ns>/<name>/compare/<base>..<head>`, over real git. */
describe("compare: unified diffs between revisions", () => {
  let hub: TestHub;
  let alice: string;
  let bob: string;
  const commits = { root: "", second: "", dev: "" };

  const get = (path: string, token?: string) => fetch(`${hub.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  async function commitFiles(token: string, repo: string, summary: string, files: Record<string, string | Buffer>, revision = "main"): Promise<string> {
    const res = await postCommit(hub, token, repo, [header(summary), ...Object.entries(files).map(([p, c]) => fileLine(p, c))], { revision });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { commitOid: string }).commitOid;
  }

  before(async () => {
    hub = await startHub();
    alice = await hub.user("alice");
    bob = await hub.user("bob");
    await createRepo(hub, alice, "differ");
    commits.root = await commitFiles(alice, "alice/differ", "first", { "notes.txt": "one\ntwo\nthree\n", "blob.bin": Buffer.from([0, 1, 2, 3, 0]) });
    commits.second = await commitFiles(alice, "alice/differ", "second", {
      "notes.txt": "one\n2\nthree\n",
      "blob.bin": Buffer.from([0, 9, 9, 9, 0]),
      "added.json": '{"a": 1}\n',
    });
    const branch = await fetch(`${hub.url}/api/models/alice/differ/branch/feature%2Fx`, { method: "POST", headers: { authorization: `Bearer ${alice}` } });
    assert.equal(branch.status, 200);
    commits.dev = await commitFiles(alice, "alice/differ", "on a branch", { "dev.txt": "dev only\n" }, "feature/x");
    await createRepo(hub, alice, "hidden", { private: true });
    await commitFiles(alice, "alice/hidden", "secret", { "s.txt": "secret\n" });
  });
  after(async () => {
    await hub?.close();
  });

  test("<sha>^..<sha> is one commit's change: text hunks, an added file, binary files summarized", async () => {
    const res = await get(`/api/models/alice/differ/compare/${commits.second}^..${commits.second}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/plain/);
    assert.equal(res.headers.get("x-diff-base"), commits.root);
    assert.equal(res.headers.get("x-diff-head"), commits.second);
    assert.equal(res.headers.get("x-diff-truncated"), null);
    const diff = await res.text();
    assert.match(diff, /^diff --git a\/notes\.txt b\/notes\.txt$/m);
    assert.match(diff, /^-two$/m);
    assert.match(diff, /^\+2$/m);
    assert.match(diff, /^diff --git a\/added\.json b\/added\.json\nnew file mode 100644/m);
    assert.match(diff, /^\+\{"a": 1\}$/m);
    assert.match(diff, /^Binary files a\/blob\.bin and b\/blob\.bin differ$/m);
  });

  test("a root commit compares with the empty tree", async () => {
    const history = (await (await get(`/api/models/alice/differ/commits/main`)).json()) as { id: string }[];
    const root = history.at(-1)!.id;
    const res = await get(`/api/models/alice/differ/compare/${root}^..${root}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-diff-base"), "empty");
    const diff = await res.text();
    // Creating a repo commits its .gitattributes.
    assert.match(diff, /^diff --git a\/\.gitattributes b\/\.gitattributes\nnew file mode 100644$/m);
    assert.match(diff, /^\+\*\.safetensors filter=lfs diff=lfs merge=lfs -text$/m);
  });

  test("branch names with slashes, raw or encoded, and short ids", async () => {
    for (const range of [`main..feature/x`, `main..feature%2Fx`, `${commits.second.slice(0, 8)}..feature/x`]) {
      const res = await get(`/api/models/alice/differ/compare/${range}`);
      assert.equal(res.status, 200, range);
      assert.equal(res.headers.get("x-diff-head"), commits.dev);
      const diff = await res.text();
      assert.match(diff, /^\+dev only$/m, range);
      assert.doesNotMatch(diff, /notes\.txt/, range);
    }
    const same = await get(`/api/models/alice/differ/compare/main..main`);
    assert.equal(await same.text(), "");
  });

  test("a private repo answers like a missing one; its owner sees the diff", async () => {
    const anonymous = await get(`/api/models/alice/hidden/compare/main^..main`);
    const anonymousMissing = await get(`/api/models/alice/nothing/compare/main^..main`);
    assert.equal(anonymous.status, anonymousMissing.status);
    const stranger = await get(`/api/models/alice/hidden/compare/main^..main`, bob);
    const missing = await get(`/api/models/alice/nothing/compare/main^..main`, bob);
    for (const res of [anonymous, anonymousMissing, stranger, missing]) assert.equal(res.headers.get("x-error-code"), "RepoNotFound");
    assert.equal(stranger.status, 404);
    // git and other clients are challenged on a 401; a browser's fetch() is not (it would pop up a password dialog).
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Basic/);
    const fromBrowser = await fetch(`${hub.url}/api/models/alice/hidden/compare/main^..main`, { headers: { "sec-fetch-dest": "empty", "sec-fetch-mode": "cors" } });
    assert.equal(fromBrowser.status, anonymous.status);
    assert.equal(fromBrowser.headers.get("www-authenticate"), null);
    assert.equal(missing.status, 404);
    const owner = await get(`/api/models/alice/hidden/compare/main^..main`, alice);
    assert.equal(owner.status, 200);
    assert.match(await owner.text(), /^\+secret$/m);
  });

  test("bad ranges are 400, unknown revisions 404 RevisionNotFound, and no option reaches git", async () => {
    for (const range of ["main", "..main", "main..", "a..b..c", "%E0%A4%A..main"]) {
      const res = await get(`/api/models/alice/differ/compare/${range}`);
      assert.equal(res.status, 400, range);
      assert.ok(res.headers.get("x-error-message"), range);
    }
    for (const range of ["main..nope", "--output=%2Ftmp%2Fx..main", "main~1..main", "HEAD@{1}..main", `${"0".repeat(40)}..main`]) {
      const res = await get(`/api/models/alice/differ/compare/${range}`);
      assert.equal(res.status, 404, range);
      assert.equal(res.headers.get("x-error-code"), "RevisionNotFound", range);
    }
  });

  test("large diffs are cut at a line end and say so; big files are summarized", async () => {
    await createRepo(hub, alice, "big");
    const line = (i: number) => `line ${i} ${"x".repeat(60)}\n`;
    const before = Array.from({ length: 40_000 }, (_, i) => line(i)).join("");
    const after = Array.from({ length: 40_000 }, (_, i) => line(i + 1)).join("");
    // 2.7 MB per file: over the per-file cap (1 MiB), so summarized.
    await commitFiles(alice, "alice/big", "big", { "big.txt": before });
    await commitFiles(alice, "alice/big", "bigger", { "big.txt": after });
    const big = await get(`/api/models/alice/big/compare/main^..main`);
    assert.match(await big.text(), /^Binary files a\/big\.txt and b\/big\.txt differ$/m);
    // Many files under the per-file cap together pass the whole-diff cap (2 MiB).
    const files: Record<string, string> = {};
    for (let f = 0; f < 6; f++) files[`part-${f}.txt`] = Array.from({ length: 9_000 }, (_, i) => line(i * 7 + f)).join("");
    await commitFiles(alice, "alice/big", "many", files);
    const res = await get(`/api/models/alice/big/compare/main^..main`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-diff-truncated"), "1");
    const text = await res.text();
    assert.ok(text.length <= 2 * 1024 * 1024 && text.length > 1024 * 1024, String(text.length));
    assert.ok(text.endsWith("\n"));
  });

  test("parseRange splits on the first '..' and decodes each side", () => {
    assert.deepEqual(parseRange("refs%2Fpr%2F1..main"), { base: "refs/pr/1", head: "main" });
    assert.deepEqual(parseRange("abc^..abc?x=1"), { base: "abc^", head: "abc" });
    assert.throws(() => parseRange("main...dev"), /exactly one/);
  });
});
