import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { countCommits, datasetInfo, listCommits, listFiles, modelInfo, pathsInfo, repoExists } from "@huggingface/hub";
import { runGit } from "../src/lib/git/run-git.js";
import { commitTree } from "../src/lib/git/temp-index.js";
import { GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { RepoClone } from "./support/repo-clone.js";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** Bytes of the pointer git-lfs commits for `content`. */
const pointerSize = (content: Buffer) =>
  Buffer.byteLength(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** Repo info, tree, paths-info, refs and commits through @huggingface/hub and the wire shapes huggingface_hub reads. */
describe("read APIs (repo info, tree, paths-info, refs, commits)", () => {
  let hub: TestHub;
  let git: GitCli;
  let token: string;
  let clone: RepoClone;
  const weights = randomBytes(10_000);
  const readme = "---\nlicense: apache-2.0\npipeline_tag: text-classification\nlibrary_name: transformers\ntags: [demo]\n---\n# Reader\n";
  const commits = { first: "", main: "", dev: "", pr: "" };
  const mainFiles = [".gitattributes", "README.md", "config.json", "model.safetensors", "nested/deep/file.txt", "nested/top.txt", "sub dir/ü.txt"];

  before(async () => {
    hub = await startHub();
    git = await GitCli.create();
    token = await hub.user("alice");
    await createRepo(hub, token, "reader");
    clone = await RepoClone.create(git, hub.url, "alice/reader", token);
    await clone.write({ "README.md": readme, "config.json": "{}\n", "model.safetensors": weights });
    commits.first = await clone.commit("add weights\n\nThe first real commit.");
    await clone.write({ "nested/deep/file.txt": "deep\n", "nested/top.txt": "top\n", "sub dir/ü.txt": "ü\n" });
    commits.main = await clone.commit("add nested files");
    await clone.push();
    await clone.run(["tag", "v1"]);
    await clone.push("v1");
    await clone.write({ "README.md": "---\npipeline_tag: fill-mask\n---\n" });
    commits.dev = await clone.commit("dev card");
    await clone.push("HEAD:dev");
    await clone.run(["checkout", "--quiet", "--detach", commits.main]);
    await clone.write({ "pr.txt": "from a pull request\n" });
    commits.pr = await clone.commit("pr");
    await clone.push("HEAD:refs/pr/1");
  });
  after(async () => {
    await hub.close();
    await git.dispose();
  });

  describe("repo info", () => {
    test("modelInfo (/revision/HEAD with expand) describes the default branch", async () => {
      const info = await modelInfo({ name: "alice/reader", hubUrl: hub.url, additionalFields: ["sha", "cardData", "library_name", "tags"] });
      assert.equal(info.name, "alice/reader");
      assert.equal(info.task, "text-classification");
      assert.equal(info.private, false);
      assert.equal(info.gated, false);
      assert.equal(info.sha, commits.main);
      assert.equal(info.library_name, "transformers");
      assert.deepEqual(info.cardData, { license: "apache-2.0", pipeline_tag: "text-classification", library_name: "transformers", tags: ["demo"] });
      assert.ok(info.tags.includes("demo") && info.tags.includes("license:apache-2.0"));
      assert.ok(!Number.isNaN(info.updatedAt.getTime()));
    });

    test("without expand, repo info carries every field huggingface_hub reads, siblings and ISO dates ending in Z", async () => {
      const { status, body } = await getJson(`${hub.url}/api/models/alice/reader`);
      assert.equal(status, 200);
      assert.equal(body.id, "alice/reader");
      assert.equal(body.sha, commits.main);
      assert.equal(body.pipeline_tag, "text-classification");
      assert.equal(body.usedStorage, weights.length);
      assert.deepEqual(body.siblings.map((s: { rfilename: string }) => s.rfilename).sort(), mainFiles);
      assert.deepEqual(Object.keys(body.siblings[0]), ["rfilename"]);
      for (const field of ["lastModified", "createdAt"]) assert.match(body[field], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      for (const field of ["_id", "private", "gated", "disabled", "downloads", "likes", "tags", "cardData"]) assert.ok(field in body, field);
    });

    test("blobs=true adds sizes, blob ids and LFS metadata to siblings", async () => {
      const { body } = await getJson(`${hub.url}/api/models/alice/reader/revision/main?blobs=true`);
      const bySibling = new Map(body.siblings.map((s: { rfilename: string }) => [s.rfilename, s]));
      assert.deepEqual(bySibling.get("model.safetensors"), {
        rfilename: "model.safetensors",
        size: weights.length,
        blobId: await clone.blobId(commits.main, "model.safetensors"),
        lfs: { sha256: sha256(weights), size: weights.length, pointerSize: pointerSize(weights) },
      });
      assert.deepEqual(bySibling.get("config.json"), { rfilename: "config.json", size: 3, blobId: await clone.blobId(commits.main, "config.json") });
    });

    test("a revision's info has that revision's sha and card, %2F-encoded or raw", async () => {
      const dev = await getJson(`${hub.url}/api/models/alice/reader/revision/dev`);
      assert.equal(dev.body.sha, commits.dev);
      assert.deepEqual(dev.body.cardData, { pipeline_tag: "fill-mask" });
      assert.equal(dev.body.pipeline_tag, "fill-mask");
      assert.equal(dev.body.library_name, undefined);
      for (const rev of ["refs%2Fpr%2F1", "refs/pr/1"]) {
        const pr = await getJson(`${hub.url}/api/models/alice/reader/revision/${rev}`);
        assert.equal(pr.body.sha, commits.pr, rev);
        assert.ok(pr.body.siblings.some((s: { rfilename: string }) => s.rfilename === "pr.txt"), rev);
      }
    });

    test("expand returns only the asked fields plus _id and id, in both the repeated and the bracket form", async () => {
      const repeated = await getJson(`${hub.url}/api/models/alice/reader?expand=sha&expand=likes`);
      assert.deepEqual(Object.keys(repeated.body).sort(), ["_id", "id", "likes", "sha"]);
      const bracket = await getJson(`${hub.url}/api/models/alice/reader?expand[]=siblings`);
      assert.deepEqual(Object.keys(bracket.body).sort(), ["_id", "id", "siblings"]);
    });

    test("an unknown expand value is a 400, like the Hub", async () => {
      const res = await fetch(`${hub.url}/api/models/alice/reader?expand=nonsense`);
      assert.equal(res.status, 400);
      assert.match(res.headers.get("x-error-message") ?? "", /expand/);
    });

    test("datasetInfo reads a dataset repo", async () => {
      await createRepo(hub, token, "corpus", { type: "dataset" });
      const info = await datasetInfo({ name: "alice/corpus", hubUrl: hub.url, additionalFields: ["sha", "author"] });
      assert.equal(info.name, "alice/corpus");
      assert.equal(info.author, "alice");
      assert.match(info.sha, /^[0-9a-f]{40}$/);
    });

    test("repoExists is true for a repo and false (404) for a missing one", async () => {
      assert.equal(await repoExists({ repo: "alice/reader", hubUrl: hub.url }), true);
      assert.equal(await repoExists({ repo: { type: "dataset", name: "alice/corpus" }, hubUrl: hub.url }), true);
      assert.equal(await repoExists({ repo: "alice/missing", hubUrl: hub.url, accessToken: token }), false);
    });
  });

  describe("tree", () => {
    test("listFiles recursive lists every file and folder, with LFS sizes and sha256", async () => {
      const entries = await collect(listFiles({ repo: "alice/reader", recursive: true, hubUrl: hub.url }));
      assert.deepEqual(
        entries.map((e) => `${e.type}:${e.path}`).sort(),
        [...mainFiles.map((f) => `file:${f}`), "directory:nested", "directory:nested/deep", "directory:sub dir"].sort(),
      );
      const model = entries.find((e) => e.path === "model.safetensors");
      assert.deepEqual(model, {
        type: "file",
        oid: await clone.blobId(commits.main, "model.safetensors"),
        size: weights.length,
        path: "model.safetensors",
        lfs: { oid: sha256(weights), size: weights.length, pointerSize: pointerSize(weights) },
      });
    });

    test("listFiles of a subfolder lists its direct children only", async () => {
      const entries = await collect(listFiles({ repo: "alice/reader", path: "nested", hubUrl: hub.url }));
      assert.deepEqual(entries.map((e) => `${e.type}:${e.path}`), ["directory:nested/deep", "file:nested/top.txt"]);
      const dir = entries[0]!;
      assert.equal(dir.oid, await clone.blobId(commits.main, "nested/deep"));
      assert.equal(dir.size, 0);
    });

    test("a folder path with a space lists like any other", async () => {
      const entries = await collect(listFiles({ repo: "alice/reader", path: "sub dir", hubUrl: hub.url }));
      assert.deepEqual(entries.map((e) => e.path), ["sub dir/ü.txt"]);
    });

    test("Python's form: %2F in the folder and the revision, recursive=true&expand=false", async () => {
      const { status, body } = await getJson(`${hub.url}/api/models/alice/reader/tree/refs%2Fpr%2F1/nested%2Fdeep?recursive=true&expand=false`);
      assert.equal(status, 200);
      assert.deepEqual(body.map((e: { path: string }) => e.path), ["nested/deep/file.txt"]);
    });

    test("a missing folder is 404 EntryNotFound (transformers' additional_chat_templates probe)", async () => {
      const res = await fetch(`${hub.url}/api/models/alice/reader/tree/main/additional_chat_templates?recursive=false&expand=false`);
      assert.equal(res.status, 404);
      assert.equal(res.headers.get("x-error-code"), "EntryNotFound");
    });

    test("expand adds each entry's last commit", async () => {
      const entries = await collect(listFiles({ repo: "alice/reader", path: "nested", expand: true, hubUrl: hub.url }));
      const top = entries.find((e) => e.path === "nested/top.txt");
      assert.equal(top?.lastCommit?.id, commits.main);
      assert.equal(top?.lastCommit?.title, "add nested files");
      assert.match(top?.lastCommit?.date ?? "", /Z$/);
    });

    test("listings longer than a page continue through an absolute Link that JS and Python follow", async () => {
      // A 1005-file folder, built with git plumbing in the bare repo (writing and pushing 1005 files is slow).
      await createRepo(hub, token, "many");
      const dir = path.join(hub.dataDir, "repos", "models", "alice", "many.git");
      const blob = (await runGit(["hash-object", "-w", "--stdin"], { cwd: dir, input: "same bytes\n" })).trim();
      const names = Array.from({ length: 1005 }, (_, i) => `100644 blob ${blob}\t${String(i).padStart(4, "0")}.txt`);
      const folder = (await runGit(["mktree"], { cwd: dir, input: `${names.join("\n")}\n` })).trim();
      const root = (await runGit(["mktree"], { cwd: dir, input: `040000 tree ${folder}\tf\n` })).trim();
      const commit = await commitTree(dir, root, [], "many files", { name: "alice", email: "alice@example.com" });
      await runGit(["update-ref", "refs/heads/main", commit], { cwd: dir });

      // 1. The first page holds 1000 entries and names the next one with an absolute URL.
      const first = await fetch(`${hub.url}/api/models/alice/many/tree/main/f`);
      assert.equal(((await first.json()) as unknown[]).length, 1000);
      const link = first.headers.get("link") ?? "";
      assert.match(link, /^<http:\/\/127\.0\.0\.1:\d+\/api\/models\/alice\/many\/tree\/[0-9a-f]{40}\/f\?[^>]*cursor=[^>]+>; rel="next"$/);
      // 2. Following it gives the rest and no further link.
      const second = await fetch(/^<([^>]+)>/.exec(link)![1]!);
      assert.equal(((await second.json()) as unknown[]).length, 5);
      assert.equal(second.headers.get("link"), null);
      // 3. The JS client pages through on its own.
      const all = await collect(listFiles({ repo: "alice/many", recursive: true, hubUrl: hub.url }));
      assert.equal(all.filter((e) => e.type === "file").length, 1005);
    });
  });

  describe("paths-info", () => {
    test("pathsInfo (JSON) describes the paths that exist and leaves out the rest", async () => {
      const info = await pathsInfo({ repo: "alice/reader", paths: ["model.safetensors", "nested", "missing.txt"], hubUrl: hub.url });
      assert.deepEqual(
        info.map((e) => [e.type, e.path, e.size, e.lfs?.oid]),
        [["file", "model.safetensors", weights.length, sha256(weights)], ["directory", "nested", 0, undefined]],
      );
      const expanded = await pathsInfo({ repo: "alice/reader", paths: ["config.json"], expand: true, hubUrl: hub.url });
      assert.equal(expanded[0]?.lastCommit?.id, commits.first);
    });

    test("Python's form-encoded body works the same", async () => {
      const { status, body } = await getJson(`${hub.url}/api/models/alice/reader/paths-info/main`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "paths=config.json&paths=sub+dir%2F%C3%BC.txt&paths=nope&expand=False",
      });
      assert.equal(status, 200);
      assert.deepEqual(body.map((e: { path: string }) => e.path), ["config.json", "sub dir/ü.txt"]);
      assert.equal(body[0].oid, await clone.blobId(commits.main, "config.json"));
    });
  });

  describe("refs and commits", () => {
    test("refs lists branches, tags and converts, and pull requests only with include_prs", async () => {
      const plain = await getJson(`${hub.url}/api/models/alice/reader/refs`);
      assert.deepEqual(plain.body, {
        branches: [
          { name: "dev", ref: "refs/heads/dev", targetCommit: commits.dev },
          { name: "main", ref: "refs/heads/main", targetCommit: commits.main },
        ],
        converts: [],
        tags: [{ name: "v1", ref: "refs/tags/v1", targetCommit: commits.main }],
      });
      const withPrs = await getJson(`${hub.url}/api/models/alice/reader/refs?include_prs=1`);
      assert.deepEqual(withPrs.body.pullRequests, [{ name: "1", ref: "refs/pr/1", targetCommit: commits.pr }]);
    });

    test("listCommits pages through the history newest first; countCommits reads X-Total-Count", async () => {
      const all = await collect(listCommits({ repo: "alice/reader", hubUrl: hub.url, batchSize: 2 }));
      assert.deepEqual(all.map((c) => c.title), ["add nested files", "add weights", "initial commit"]);
      assert.equal(all[0]!.oid, commits.main);
      assert.equal(all[1]!.message, "The first real commit.");
      assert.deepEqual(all[1]!.authors, [{ username: "Test User", avatarUrl: undefined }]);
      assert.ok(all.every((c) => !Number.isNaN(c.date.getTime())));
      assert.equal(await countCommits({ repo: "alice/reader", hubUrl: hub.url }), 3);
      const pr = await collect(listCommits({ repo: "alice/reader", revision: "refs/pr/1", hubUrl: hub.url }));
      assert.equal(pr[0]!.oid, commits.pr);
    });

    test("expand[]=formatted adds HTML-escaped title and message", async () => {
      const { body } = await getJson(`${hub.url}/api/models/alice/reader/commits/main?expand[]=formatted&limit=1`);
      assert.deepEqual(body[0].formatted, { title: "add nested files", message: "" });
    });
  });
});
