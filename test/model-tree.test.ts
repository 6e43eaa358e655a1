import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listModels, uploadFiles } from "@huggingface/hub";
import { makeGguf } from "./support/gguf-models.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { card, makeSafetensors } from "./support/model-files.js";
import { freshPostgresDatabase } from "./support/postgres.js";
import { all } from "./support/collect.js";

type Tree = {
  id: string;
  baseModels: { id: string; relation: string }[];
  ancestors: { id: string; relation: string }[];
  derivatives: Record<"finetune" | "adapter" | "quantized" | "merge", { count: number; models: { id: string; private: boolean; tags: string[] }[] }>;
};

/**
 * The model tree (`GET /api/models/<repo>/model-tree`): a base model with
 * finetunes, adapters, quantizations and a merge — relations stated by cards
 * or inferred from files — seen by its owner, another user and anonymously.
 * The same suite runs on SQLite and PostgreSQL.
 */
function describeModelTree(backend: "sqlite" | "postgres"): void {
  describe(`model tree (${backend})`, () => {
    let hub: TestHub;
    let drop: (() => Promise<void>) | undefined;
    let alice: string;
    let bob: string;
    let carol: string;
    let root: string;

    const tree = async (repo: string, token?: string, query = ""): Promise<Tree> => {
      const res = await fetch(`${hub.url}/api/models/${repo}/model-tree${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as Tree;
    };
    const members = (t: Tree, relation: keyof Tree["derivatives"]) => t.derivatives[relation].models.map((m) => m.id).sort();
    const counts = (t: Tree) => Object.fromEntries(Object.entries(t.derivatives).map(([k, v]) => [k, v.count]));

    before(async () => {
      let databaseUrl = "";
      if (backend === "postgres") {
        const pg = await freshPostgresDatabase();
        databaseUrl = pg.url;
        drop = pg.drop;
      }
      hub = await startHub({ databaseUrl });
      [alice, bob, carol, root] = await Promise.all([hub.user("alice"), hub.user("bob"), hub.user("carol"), hub.user("root", { admin: true })]);
      const gguf = await makeGguf({ kind: "random", type: "Q8_0" });
      const weights = makeSafetensors({ "w.weight": { dtype: "F16", shape: [4, 4] } });
      const adapterWeights = makeSafetensors({ "lora_A.weight": { dtype: "F32", shape: [2, 4] } });
      const publish = async (token: string, repo: string, files: Record<string, string | Buffer>, opts: { private?: boolean } = {}) => {
        await createRepo(hub, token, repo.split("/")[1]!, { private: opts.private ?? false });
        await uploadFiles({
          repo,
          accessToken: token,
          hubUrl: hub.url,
          files: Object.entries(files).map(([p, c]) => ({ path: p, content: new Blob([typeof c === "string" ? c : new Uint8Array(c)]) })),
        });
      };
      // Bases first: a quantization's relation depends on whether its base is GGUF-only.
      await Promise.all([
        publish(alice, "alice/base", { "README.md": card("license: mit"), "model.safetensors": weights }),
        publish(bob, "bob/secret-base", { "README.md": card("base_model: alice/base"), "model.safetensors": weights }, { private: true }),
      ]);
      await Promise.all([
        // Inferred: safetensors only and one base -> finetune.
        publish(alice, "alice/ft", { "README.md": card("base_model: alice/base"), "model.safetensors": weights }),
        // Inferred: an adapter config -> adapter.
        publish(bob, "bob/lora", {
          "README.md": card("base_model: alice/base\nlibrary_name: peft"),
          "adapter_config.json": JSON.stringify({ peft_type: "LORA", base_model_name_or_path: "alice/base" }),
          "adapter_model.safetensors": adapterWeights,
        }),
        // No base_model in the card: the adapter config names it.
        publish(carol, "carol/lora-2", {
          "adapter_config.json": JSON.stringify({ peft_type: "LORA", base_model_name_or_path: "alice/base" }),
          "adapter_model.safetensors": adapterWeights,
        }),
        // Inferred: GGUF of a safetensors base -> quantized.
        publish(bob, "bob/base-gguf", { "README.md": card("base_model: alice/base"), "base-Q8_0.gguf": gguf }),
        // Stated by the card, whatever the files.
        publish(carol, "carol/awq", { "README.md": card("base_model: alice/base\nbase_model_relation: quantized"), "model.safetensors": weights }),
        // Inferred: several bases -> merge.
        publish(alice, "alice/merged", { "README.md": card("base_model: [alice/base, carol/other]"), "model.safetensors": weights }),
        // Private: only bob (and admins) may see it.
        publish(bob, "bob/private-ft", { "README.md": card("base_model: alice/base"), "model.safetensors": weights }, { private: true }),
        // A public child of a private base.
        publish(bob, "bob/child", { "README.md": card("base_model: bob/secret-base"), "model.safetensors": weights }),
      ]);
      await Promise.all([
        // Two levels down: a quantization of the finetune.
        publish(alice, "alice/ft-gguf", { "README.md": card("base_model: alice/ft"), "ft-Q8_0.gguf": gguf }),
        // GGUF of a GGUF-only base: not a quantization.
        publish(bob, "bob/gguf-ft", { "README.md": card("base_model: bob/base-gguf"), "tuned.gguf": gguf }),
      ]);
    });
    after(async () => {
      await hub.close();
      await drop?.();
    });

    test("a base model's derivatives are grouped by relation, stated or inferred, with counts", async () => {
      const t = await tree("alice/base");
      assert.equal(t.id, "alice/base");
      assert.deepEqual(t.baseModels, []);
      assert.deepEqual(t.ancestors, []);
      assert.deepEqual(counts(t), { finetune: 1, adapter: 2, quantized: 2, merge: 1 });
      assert.deepEqual(members(t, "finetune"), ["alice/ft"]);
      assert.deepEqual(members(t, "adapter"), ["bob/lora", "carol/lora-2"]);
      assert.deepEqual(members(t, "quantized"), ["bob/base-gguf", "carol/awq"]);
      assert.deepEqual(members(t, "merge"), ["alice/merged"]);
      // Members are listing summaries, with the Hub's lineage tags.
      const quantized = t.derivatives.quantized.models.find((m) => m.id === "bob/base-gguf")!;
      assert.ok(quantized.tags.includes("base_model:quantized:alice/base"));
      assert.ok(quantized.tags.includes("gguf"));
    });

    test("private derivatives count and show only for those who may see them", async () => {
      for (const [who, token] of [["anonymous", undefined], ["carol", carol]] as const) {
        const t = await tree("alice/base", token);
        assert.equal(t.derivatives.finetune.count, 1, who);
        assert.deepEqual(members(t, "finetune"), ["alice/ft"], who);
      }
      for (const token of [bob, root]) {
        const t = await tree("alice/base", token);
        assert.equal(t.derivatives.finetune.count, 3);
        assert.deepEqual(members(t, "finetune"), ["alice/ft", "bob/private-ft", "bob/secret-base"]);
        assert.equal(t.derivatives.finetune.models.find((m) => m.id === "bob/private-ft")!.private, true);
      }
      // The private repo's own tree is as missing as the repo.
      assert.equal((await fetch(`${hub.url}/api/models/bob/private-ft/model-tree`)).status, 401);
      assert.equal((await fetch(`${hub.url}/api/models/bob/private-ft/model-tree`, { headers: { authorization: `Bearer ${carol}` } })).status, 404);
    });

    test("ancestors come nearest first, and a private ancestor is named but not followed", async () => {
      const t = await tree("alice/ft-gguf");
      assert.deepEqual(t.baseModels, [{ id: "alice/ft", relation: "quantized" }]);
      assert.deepEqual(t.ancestors, [{ id: "alice/ft", relation: "quantized" }, { id: "alice/base", relation: "finetune" }]);

      const merged = await tree("alice/merged");
      assert.deepEqual(merged.ancestors, [{ id: "alice/base", relation: "merge" }, { id: "carol/other", relation: "merge" }]);

      assert.deepEqual((await tree("bob/child", carol)).ancestors, [{ id: "bob/secret-base", relation: "finetune" }]);
      assert.deepEqual((await tree("bob/child")).ancestors, [{ id: "bob/secret-base", relation: "finetune" }]);
      assert.deepEqual((await tree("bob/child", bob)).ancestors, [
        { id: "bob/secret-base", relation: "finetune" },
        { id: "alice/base", relation: "finetune" },
      ]);
    });

    test("a GGUF derived from a GGUF-only model is a finetune, not a quantization", async () => {
      const t = await tree("bob/base-gguf");
      assert.deepEqual(members(t, "finetune"), ["bob/gguf-ft"]);
      assert.equal(t.derivatives.quantized.count, 0);
    });

    test("listModels finds derivatives by the Hub's base_model tags", async () => {
      const names = async (tag: string, token?: string) =>
        (await all(listModels({ search: { tags: [tag] }, hubUrl: hub.url, ...(token ? { accessToken: token } : {}) }))).map((m) => m.name).sort();
      assert.deepEqual(await names("base_model:quantized:alice/base"), ["bob/base-gguf", "carol/awq"]);
      assert.deepEqual(await names("base_model:adapter:alice/base"), ["bob/lora", "carol/lora-2"]);
      assert.deepEqual(await names("base_model:merge:carol/other"), ["alice/merged"]);
      assert.deepEqual(await names("base_model:finetune:alice/base"), ["alice/ft"]);
      assert.deepEqual(await names("base_model:finetune:alice/base", bob), ["alice/ft", "bob/private-ft", "bob/secret-base"]);
      assert.deepEqual(await names("base_model:alice/base"), ["alice/ft", "alice/merged", "bob/base-gguf", "bob/lora", "carol/awq", "carol/lora-2"]);
    });

    test("repo info reports baseModels and, when asked, childrenModelCount", async () => {
      const get = async (repo: string, query: string, token?: string) =>
        (await (await fetch(`${hub.url}/api/models/${repo}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).json()) as Record<string, unknown>;
      assert.deepEqual(await get("bob/lora", "?expand[]=baseModels"), {
        _id: (await get("bob/lora", "?expand[]=sha"))._id,
        id: "bob/lora",
        baseModels: { relation: "adapter", models: [{ id: "alice/base" }] },
      });
      assert.equal((await get("alice/base", "?expand[]=childrenModelCount")).childrenModelCount, 6);
      assert.equal((await get("alice/base", "?expand[]=childrenModelCount", bob)).childrenModelCount, 8);
    });

    test("limit bounds the members listed, not the counts; a bad limit is a 400", async () => {
      const t = await tree("alice/base", undefined, "?limit=1");
      assert.equal(t.derivatives.adapter.count, 2);
      assert.equal(t.derivatives.adapter.models.length, 1);
      for (const bad of ["0", "101", "x"]) {
        const res = await fetch(`${hub.url}/api/models/alice/base/model-tree?limit=${bad}`);
        assert.equal(res.status, 400, bad);
        assert.match(res.headers.get("x-error-message") ?? "", /limit/);
      }
    });

    test("a derivative whose card changes moves in the tree; a deleted one leaves it", async () => {
      await uploadFiles({
        repo: "alice/ft",
        accessToken: alice,
        hubUrl: hub.url,
        files: [{ path: "README.md", content: new Blob([card("base_model: alice/base\nbase_model_relation: merge")]) }],
      });
      assert.deepEqual(members(await tree("alice/base"), "merge"), ["alice/ft", "alice/merged"]);
      const res = await fetch(`${hub.url}/api/repos/delete`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${carol}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "model", name: "carol/awq" }),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(members(await tree("alice/base"), "quantized"), ["bob/base-gguf"]);
    });
  });
}

describeModelTree("sqlite");
describeModelTree("postgres");
