import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { deleteFile, listModels, modelInfo, uploadFiles } from "@huggingface/hub";
import { readGgufFrom, summarizeGguf } from "../src/lib/gguf/index.js";
import type { ByteRange } from "../src/lib/storage/blob-store.js";
import { FsBlobStore } from "../src/lib/storage/fs-blob-store.js";
import { authUrl, GitCli } from "./support/git-cli.js";
import { makeGguf } from "./support/gguf-models.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { card, makeSafetensors } from "./support/model-files.js";
import { all } from "./support/collect.js";

type Info = Record<string, any>;

/** The summary the reader gives for GGUF bytes held in memory: the expectation for what the hub reads from its store. */
async function ggufFacts(bytes: Buffer) {
  return summarizeGguf(await readGgufFrom({ size: bytes.length, read: async (p, l) => bytes.subarray(p, p + l) }));
}

/**
 * Metadata indexing: on every change of the default branch the hub
 * reads the card, config.json and the headers of GGUF and safetensors files —
 * by byte range, never whole — and reports it in repo info in the Hub's field
 * names; malformed metadata never fails the push and is reported on the repo.
 */
describe("model metadata indexing", () => {
  let hub: TestHub;
  let git: GitCli;
  let alice: string;
  /** Every blob-store read: which object and which bytes. */
  const reads: { oid: string; range?: ByteRange }[] = [];
  const originalRead = FsBlobStore.prototype.read;

  const info = async (repo: string, query = "", token = alice): Promise<Info> => {
    const res = await fetch(`${hub.url}/api/models/${repo}${query}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Info;
  };
  /** Waits until the indexer has indexed `sha` as the repo's head. */
  const indexedAt = async (repo: string, sha: string) => {
    const [namespace, name] = repo.split("/");
    for (let i = 0; i < 200; i++) {
      const row = await hub.hub.db.kysely.selectFrom("repos").select("sha").where("namespace", "=", namespace!).where("name", "=", name!).executeTakeFirst();
      if (row?.sha === sha) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail(`${repo} was not indexed at ${sha}`);
  };
  const commit = (repo: string, files: Record<string, string | Buffer>) =>
    uploadFiles({
      repo,
      accessToken: alice,
      hubUrl: hub.url,
      files: Object.entries(files).map(([p, content]) => ({ path: p, content: new Blob([typeof content === "string" ? content : new Uint8Array(content)]) })),
    });

  before(async () => {
    FsBlobStore.prototype.read = function (oid: string, range?: ByteRange) {
      reads.push({ oid, range });
      return originalRead.call(this, oid, range);
    };
    hub = await startHub();
    git = await GitCli.create();
    alice = await hub.user("alice");
  });
  after(async () => {
    FsBlobStore.prototype.read = originalRead;
    await hub.close();
    await git.dispose();
  });

  test("an API commit's card, config.json, safetensors and GGUF headers reach repo info in the Hub's fields", async () => {
    await createRepo(hub, alice, "llama-mix");
    const gguf = await makeGguf({ kind: "random", type: "Q8_0", contextLength: 512 });
    const expected = await ggufFacts(gguf);
    await commit("alice/llama-mix", {
      "README.md": card(
        [
          "pipeline_tag: text-generation",
          "library_name: transformers",
          "language: [en, fr]",
          "license: apache-2.0",
          "tags: [chat]",
          "datasets: [alice/corpus]",
          "metrics: [accuracy]",
          "base_model: meta-llama/Llama-3.2-1B",
          "base_model_relation: finetune",
        ].join("\n"),
      ),
      "config.json": JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: 8 }),
      "model.safetensors": makeSafetensors({ "embed.weight": { dtype: "BF16", shape: [16, 8] }, "norm.weight": { dtype: "F32", shape: [8] } }),
      "gguf/model-Q8_0.gguf": gguf,
    });

    const got = await info("alice/llama-mix");
    assert.deepEqual(got.config, { architectures: ["LlamaForCausalLM"], model_type: "llama" });
    assert.deepEqual(got.safetensors, { parameters: { BF16: 128, F32: 8 }, total: 136 });
    assert.deepEqual(got.gguf, {
      total: expected.parameters,
      architecture: "llama",
      context_length: 512,
      quantization: "Q8_0",
      ...(expected.chatTemplate ? { chat_template: expected.chatTemplate } : {}),
    });
    assert.equal(got.pipeline_tag, "text-generation");
    assert.equal(got.library_name, "transformers");
    assert.deepEqual(got.cardData.metrics, ["accuracy"]);
    assert.deepEqual(got.baseModels, { relation: "finetune", models: [{ id: "meta-llama/Llama-3.2-1B" }] });
    for (const tag of [
      "chat", "transformers", "license:apache-2.0", "en", "fr", "dataset:alice/corpus",
      "base_model:meta-llama/Llama-3.2-1B", "base_model:finetune:meta-llama/Llama-3.2-1B", "gguf", "safetensors",
    ]) {
      assert.ok(got.tags.includes(tag), `${tag} in ${got.tags}`);
    }
    assert.ok(!got.tags.includes("onnx"));
    assert.equal(got.indexWarnings, undefined);

    // The listing filter's column: safetensors' total wins over the GGUF's.
    const row = await hub.hub.db.kysely.selectFrom("repos").select(["parameters", "formats"]).where("name", "=", "llama-mix").executeTakeFirstOrThrow();
    assert.equal(row.parameters, 136);
    assert.deepEqual(JSON.parse(row.formats), ["gguf", "safetensors"]);
  });

  test("weights are read by header only: bounded ranged reads of their LFS objects", async () => {
    await createRepo(hub, alice, "big-weights");
    // 16 MiB of tensor data behind a header of a few hundred bytes.
    const weights = makeSafetensors({ "w.weight": { dtype: "F32", shape: [1024, 4096] } }, { fill: 7 });
    const gguf = await makeGguf({ kind: "random", type: "F32", embd: 256, layers: 2 });
    reads.length = 0;
    await commit("alice/big-weights", { "model.safetensors": weights, "model.gguf": gguf });

    const got = await info("alice/big-weights", "?expand[]=safetensors&expand[]=gguf");
    assert.deepEqual(got.safetensors, { parameters: { F32: 1024 * 4096 }, total: 1024 * 4096 });
    assert.equal(got.gguf.total, (await ggufFacts(gguf)).parameters);
    const bytesRead = (content: Buffer) =>
      reads
        .filter((r) => r.oid === createHash("sha256").update(content).digest("hex"))
        .reduce((n, r) => {
          assert.ok(r.range, "every read names a byte range");
          return n + r.range.end - r.range.start + 1;
        }, 0);
    // The 8-byte length, then exactly the header.
    assert.equal(bytesRead(weights), weights.readUInt32LE(0) + 8);
    const { dataOffset } = await ggufFacts(gguf);
    const ggufRead = bytesRead(gguf);
    assert.ok(ggufRead >= dataOffset && ggufRead < Math.max(4 * dataOffset, 256 << 10) + dataOffset, `read ${ggufRead} bytes of a ${gguf.length}-byte GGUF`);
    assert.ok(ggufRead < gguf.length / 4);
  });

  test("a split GGUF is described by its first part, counting the parameters of all its parts", async () => {
    await createRepo(hub, alice, "split");
    const part = await makeGguf({ kind: "random", type: "F16" });
    const { parameters } = await ggufFacts(part);
    await commit("alice/split", {
      "a-extra.gguf": await makeGguf({ kind: "bert" }),
      "m-00001-of-00002.gguf": part,
      "m-00002-of-00002.gguf": part,
    });
    // The first by path is a-extra.gguf, not a split part: it is the one described.
    assert.equal((await info("alice/split", "?expand[]=gguf")).gguf.architecture, "bert");
    await deleteFile({ repo: "alice/split", path: "a-extra.gguf", accessToken: alice, hubUrl: hub.url });
    const got = await info("alice/split", "?expand[]=gguf");
    assert.equal(got.gguf.total, 2 * parameters);
    assert.equal(got.gguf.quantization, "F16");
  });

  test("a git push with a broken card, config.json, GGUF and safetensors lands, and each problem is reported", async () => {
    const repoId = await createRepo(hub, alice, "messy");
    const dir = path.join(git.work, "messy");
    await git.run(["clone", authUrl(hub.url, repoId, alice), dir], git.work);
    // plain/ holds weights as regular git blobs (no LFS): read through git, header only.
    await writeFile(path.join(dir, ".gitattributes"), "*.gguf filter=lfs diff=lfs merge=lfs -text\nbroken.safetensors filter=lfs diff=lfs merge=lfs -text\n");
    await writeFile(path.join(dir, "README.md"), card("license: [mit\nbase_model: ./local/path"));
    await writeFile(path.join(dir, "config.json"), "{ not json");
    await writeFile(path.join(dir, "truncated.gguf"), await makeGguf({ kind: "broken", flaw: "truncated" }));
    await writeFile(path.join(dir, "broken.safetensors"), Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Buffer.alloc(64)]));
    await writeFile(path.join(dir, "plain.safetensors"), makeSafetensors({ a: { dtype: "F16", shape: [3, 5] }, b: { dtype: "I64", shape: [2] } }));
    // A pointer committed as a regular file, naming an object this hub never received.
    await writeFile(path.join(dir, "ghost.safetensors"), `version https://git-lfs.github.com/spec/v1\noid sha256:${"ab".repeat(32)}\nsize 1234\n`);
    await git.run(["add", "."], dir);
    await git.run(["commit", "-m", "messy files"], dir);
    // The ghost pointer has no object to upload: let git-lfs push the rest anyway.
    const pushed = await git.run(["-c", "lfs.allowincompletepush=true", "push", "origin", "main"], dir);
    assert.match(pushed.stderr, /main -> main/);

    // The push is indexed once git has answered: wait for the row to reach the pushed head.
    await indexedAt(repoId, (await git.run(["rev-parse", "HEAD"], dir)).stdout.trim());
    const got = await info(repoId);
    const warned = (file: string) => got.indexWarnings.filter((w: { path: string }) => w.path === file).map((w: { message: string }) => w.message).join("; ");
    assert.match(warned("README.md"), /invalid YAML front matter/);
    assert.match(warned("config.json"), /invalid JSON/);
    assert.match(warned("truncated.gguf"), /invalid GGUF file/);
    assert.match(warned("broken.safetensors"), /invalid safetensors file: the header claims \d+ bytes/);
    assert.match(warned("ghost.safetensors"), /not stored on this hub/);
    assert.equal(warned("plain.safetensors"), "");
    // What could be read still is.
    assert.deepEqual(got.safetensors, { parameters: { F16: 15, I64: 2 }, total: 17 });
    assert.equal(got.config, undefined);
    assert.equal(got.gguf, undefined);
    assert.deepEqual(got.cardData, {});
  });

  test("invalid base_model values and relations are reported and left out of the tags", async () => {
    await createRepo(hub, alice, "odd-card");
    await commit("alice/odd-card", {
      "README.md": card("base_model: [https://example.com/model, alice/odd-card, org/good]\nbase_model_relation: distilled"),
    });
    const got = await info("alice/odd-card");
    const messages = got.indexWarnings.map((w: { message: string }) => w.message).join("\n");
    assert.match(messages, /"https:\/\/example.com\/model" is not a model id/);
    assert.match(messages, /names this repo itself/);
    assert.match(messages, /base_model_relation "distilled" is not one of/);
    assert.deepEqual(got.baseModels, { relation: "finetune", models: [{ id: "org/good" }] });
    assert.deepEqual(got.tags.filter((t: string) => t.startsWith("base_model:")).sort(), ["base_model:finetune:org/good", "base_model:org/good"]);
  });

  test("expand returns only the asked file metadata; another revision leaves it out", async () => {
    await createRepo(hub, alice, "versions");
    await commit("alice/versions", { "config.json": JSON.stringify({ model_type: "bert" }) });
    const first = (await info("alice/versions", "?expand[]=sha")).sha as string;
    await commit("alice/versions", { "config.json": JSON.stringify({ model_type: "gpt2", architectures: ["GPT2LMHeadModel"] }) });

    const picked = await info("alice/versions", "?expand[]=config&expand[]=safetensors");
    assert.deepEqual(Object.keys(picked).sort(), ["_id", "config", "id"]);
    assert.deepEqual(picked.config, { model_type: "gpt2", architectures: ["GPT2LMHeadModel"] });
    const old = await info("alice/versions", `/revision/${first}`);
    assert.equal(old.sha, first);
    assert.equal(old.config, undefined);
  });

  test("@huggingface/hub modelInfo and listModels read config and safetensors", async () => {
    const one = await modelInfo({ name: "alice/llama-mix", hubUrl: hub.url, accessToken: alice, additionalFields: ["safetensors", "config", "tags"] });
    assert.deepEqual(one.safetensors, { parameters: { BF16: 128, F32: 8 }, total: 136 });
    assert.deepEqual(one.config, { architectures: ["LlamaForCausalLM"], model_type: "llama" });
    const gguf = await all(listModels({ search: { tags: ["gguf"], owner: "alice" }, hubUrl: hub.url }));
    // A GGUF file makes the tag, readable or not (alice/messy's is truncated).
    assert.deepEqual(gguf.map((m) => m.name).sort(), ["alice/big-weights", "alice/llama-mix", "alice/messy", "alice/split"]);
    const lineage = await all(listModels({ search: { tags: ["base_model:finetune:meta-llama/Llama-3.2-1B"] }, hubUrl: hub.url }));
    assert.deepEqual(lineage.map((m) => m.name), ["alice/llama-mix"]);
    // Listings expand the indexed fields too (huggingface_hub's list_models(expand=["safetensors", …])).
    const listed = await all(listModels({ search: { tags: ["base_model:finetune:meta-llama/Llama-3.2-1B"] }, hubUrl: hub.url, additionalFields: ["safetensors"] }));
    assert.deepEqual(listed.map((m) => m.safetensors), [{ parameters: { BF16: 128, F32: 8 }, total: 136 }]);
    const res = await fetch(`${hub.url}/api/models?filter=base_model:meta-llama/Llama-3.2-1B&expand[]=gguf&expand[]=baseModels`);
    const [item] = (await res.json()) as Record<string, any>[];
    assert.deepEqual(Object.keys(item!).sort(), ["_id", "baseModels", "gguf", "id"]);
    assert.equal(item!.gguf.quantization, "Q8_0");
    assert.deepEqual(item!.baseModels, { relation: "finetune", models: [{ id: "meta-llama/Llama-3.2-1B" }] });
  });

  test("repos indexed by an older indexer are re-indexed from git", async () => {
    const { db } = hub.hub;
    // As a repo looks right after the 0004 migration: nothing indexed from its files.
    await db.kysely
      .updateTable("repos")
      .set({ index_version: 0, parameters: null, formats: "[]", model_metadata: "{}", tags: "[]" })
      .where("name", "=", "llama-mix")
      .execute();
    await db.kysely.deleteFrom("repo_base_models").execute();
    const stale = await info("alice/llama-mix");
    assert.equal(stale.safetensors, undefined);

    const n = await hub.hub.services.indexer.reindexStale({ dirOf: (t, ns, name) => hub.hub.services.repos.dirOf(t, ns, name) });
    assert.equal(n, 1);
    const again = await info("alice/llama-mix");
    assert.deepEqual(again.safetensors, { parameters: { BF16: 128, F32: 8 }, total: 136 });
    assert.ok(again.tags.includes("base_model:finetune:meta-llama/Llama-3.2-1B"));
    assert.equal(await hub.hub.services.indexer.reindexStale({ dirOf: (t, ns, name) => hub.hub.services.repos.dirOf(t, ns, name) }), 0);
  });
});
