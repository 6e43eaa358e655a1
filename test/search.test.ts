import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { listModels, type RepoDesignation, uploadFiles } from "@huggingface/hub";
import { sql } from "kysely";
import { buildHub } from "../src/app.js";
import { configWith } from "../src/config/load.js";
import { openDb } from "../src/db/connect.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";
import { all } from "./support/collect.js";

/** A safetensors file of one U8 tensor: `rows × cols` parameters, one byte each. */
function safetensors(rows: number, cols: number): Buffer {
  const header = Buffer.from(JSON.stringify({ w: { dtype: "U8", shape: [rows, cols], data_offsets: [0, rows * cols] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header, Buffer.alloc(rows * cols)]);
}

const linkNext = /^<(https?:\/\/[^>]+)>; rel="next"$/;

/**
 * Search and discovery through `GET /api/models` (hf-hub-protocol.md §4.6):
 * full text over names, cards and READMEs (Chinese included), every filter,
 * every sort with its direction, keyset pages, and visibility. Page size 2,
 * so most answers span several pages. Runs on SQLite and PostgreSQL.
 */
function describeSearch(backend: "sqlite" | "postgres"): void {
  describe(`search and discovery (${backend})`, () => {
    let hub: TestHub;
    let drop: (() => Promise<void>) | undefined;
    const tokens: Record<string, string> = {};

    /** Every item of a listing, following Link pages; `query` is the query string. */
    async function list(query: string, as?: string): Promise<Record<string, unknown>[]> {
      const items: Record<string, unknown>[] = [];
      for (let next: string | undefined = `${hub.url}/api/models?${query}`; next; ) {
        const res: Response = await fetch(next, { headers: as ? { authorization: `Bearer ${tokens[as]}` } : {} });
        assert.equal(res.status, 200, `${next}: ${res.status} ${res.headers.get("x-error-message")}`);
        items.push(...((await res.json()) as Record<string, unknown>[]));
        const link = res.headers.get("link");
        next = link ? linkNext.exec(link)?.[1] : undefined;
      }
      return items;
    }
    const ids = async (query: string, as?: string) => (await list(query, as)).map((m) => m.id as string);
    const sorted = async (query: string, as?: string) => (await ids(query, as)).sort();

    before(async () => {
      let databaseUrl = "";
      if (backend === "postgres") {
        const pg = await freshPostgresDatabase();
        databaseUrl = pg.url;
        drop = pg.drop;
      }
      hub = await startHub({ databaseUrl, listMaxLimit: 2 });
      for (const name of ["alice", "bob", "carol", "dave"]) tokens[name] = await hub.user(name);
      // Created one after the other: createdAt order is en-base, zh-chat, sentiment-gguf, private-zh.
      await createRepo(hub, tokens.alice!, "en-base");
      await createRepo(hub, tokens.alice!, "zh-chat");
      await createRepo(hub, tokens.bob!, "sentiment-gguf");
      await createRepo(hub, tokens.bob!, "private-zh", { private: true });

      const commit = (token: string, repo: RepoDesignation, files: Record<string, string | Buffer>) =>
        uploadFiles({
          repo,
          accessToken: token,
          hubUrl: hub.url,
          files: Object.entries(files).map(([path, content]) => ({ path, content: new Blob([typeof content === "string" ? content : new Uint8Array(content)]) })),
        });
      // Base before derivative: the fine-tune's relation is read from what its base holds.
      await commit(tokens.alice!, "alice/en-base", {
        "README.md":
          "---\npipeline_tag: text-generation\nlibrary_name: transformers\nlanguage: [en]\nlicense: mit\n---\n\n" +
          "# English base\n\nA compact English base model trained on encyclopedia articles.\n",
        "config.json": JSON.stringify({ model_type: "llama" }),
        "model.safetensors": safetensors(2000, 1000), // 2M parameters
      });
      await Promise.all([
        commit(tokens.alice!, "alice/zh-chat", {
          "README.md":
            "---\npipeline_tag: text-generation\nlibrary_name: transformers\nlanguage: [zh]\nlicense: apache-2.0\nbase_model: alice/en-base\n---\n\n" +
            "# 中文对话\n\n这是一个中文对话大模型，支持机器翻译与文本摘要。\n",
          "config.json": JSON.stringify({ model_type: "llama" }),
          "model.safetensors": safetensors(50, 1000), // 50K parameters
        }),
        commit(tokens.bob!, "bob/sentiment-gguf", {
          "README.md": "---\npipeline_tag: text-classification\nlicense: mit\ntags: [reviews]\n---\n\nA quantized classifier for product reviews.\n",
          "model-q4.gguf": "not really a gguf file",
        }),
        commit(tokens.bob!, "bob/private-zh", {
          "README.md": "---\nlanguage: [zh]\n---\n\n私有的中文翻译模型。\n",
        }),
      ]);

      // Likes: zh-chat 2, en-base 1. Downloads (config.json by different users): en-base 3, zh-chat 1.
      const post = (as: string, repo: string) =>
        fetch(`${hub.url}/api/models/${repo}/like`, { method: "POST", headers: { authorization: `Bearer ${tokens[as]}` } });
      for (const [as, repo] of [["bob", "alice/zh-chat"], ["carol", "alice/zh-chat"], ["carol", "alice/en-base"]] as const) {
        assert.equal((await post(as, repo)).status, 200);
      }
      for (const [as, repo] of [["bob", "alice/en-base"], ["carol", "alice/en-base"], ["dave", "alice/en-base"], ["dave", "alice/zh-chat"]] as const) {
        const res = await fetch(`${hub.url}/${repo}/resolve/main/config.json`, { headers: { authorization: `Bearer ${tokens[as]}` } });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      await hub.hub.services.downloads.flush();
    });
    after(async () => {
      await hub?.close();
      await drop?.();
    });

    test("search keeps matching substrings of the repo id", async () => {
      assert.deepEqual(await sorted("search=GGUF"), ["bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("search=N-BA"), ["alice/en-base"]);
    });

    test("search finds English words of the README prose, all words required", async () => {
      assert.deepEqual(await sorted("search=encyclopedia"), ["alice/en-base"]);
      assert.deepEqual(await sorted("search=product%20reviews"), ["bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("search=product%20encyclopedia"), []);
      // Two search values: both must match, one by id and one by text.
      assert.deepEqual(await sorted("search=alice&search=encyclopedia"), ["alice/en-base"]);
    });

    test("search finds a two-character Chinese word inside a sentence", async () => {
      assert.deepEqual(await sorted(`search=${encodeURIComponent("翻译")}`), ["alice/zh-chat"]);
      assert.deepEqual(await sorted(`search=${encodeURIComponent("模型")}`), ["alice/zh-chat"]);
      assert.deepEqual(await sorted(`search=${encodeURIComponent("机器翻译")}`), ["alice/zh-chat"]);
      assert.deepEqual(await sorted(`search=${encodeURIComponent("日语")}`), []);
    });

    test("private repos never appear in search to those who cannot see them", async () => {
      const q = `search=${encodeURIComponent("翻译")}`;
      assert.deepEqual(await sorted(q), ["alice/zh-chat"]);
      assert.deepEqual(await sorted(q, "alice"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted(q, "bob"), ["alice/zh-chat", "bob/private-zh"]);
      assert.deepEqual(await sorted("search=private"), []);
      assert.deepEqual(await sorted("language=zh", "carol"), ["alice/zh-chat"]);
    });

    test("filters by task, library, language, license, tag, author and format", async () => {
      assert.deepEqual(await sorted("pipeline_tag=text-generation"), ["alice/en-base", "alice/zh-chat"]);
      assert.deepEqual(await sorted("pipeline_tag=text-generation&library=transformers&language=zh"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted("license=mit"), ["alice/en-base", "bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("filter=license:apache-2.0"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted("filter=reviews"), ["bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("author=bob"), ["bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("author=bob", "bob"), ["bob/private-zh", "bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("filter=gguf"), ["bob/sentiment-gguf"]);
      assert.deepEqual(await sorted("filter=safetensors"), ["alice/en-base", "alice/zh-chat"]);
      assert.deepEqual(await sorted("filter=safetensors&search=encyclopedia"), ["alice/en-base"]);
    });

    test("filters by base model, with or without the relation", async () => {
      assert.deepEqual(await sorted("filter=base_model:alice/en-base"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted("filter=base_model:finetune:alice/en-base"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted("filter=base_model:quantized:alice/en-base"), []);
    });

    test("num_parameters filters by a parameter range, as huggingface.co spells it", async () => {
      assert.deepEqual(await sorted("num_parameters=min:1M"), ["alice/en-base"]);
      assert.deepEqual(await sorted("num_parameters=max:100K"), ["alice/zh-chat"]);
      assert.deepEqual(await sorted("num_parameters=min:10k,max:2M"), ["alice/en-base", "alice/zh-chat"]);
      assert.deepEqual(await sorted("num_parameters=min:0.05M,max:0.05M"), ["alice/zh-chat"]);
      for (const bad of ["1B", "min:1X", "min:2B,max:1B", "min:1B,min:2B"]) {
        const res = await fetch(`${hub.url}/api/models?num_parameters=${bad}`);
        assert.equal(res.status, 400, bad);
        assert.match(res.headers.get("x-error-message") ?? "", /num_parameters/);
      }
    });

    test("each sort orders by its value, descending by default, ascending with direction=1, across pages", async () => {
      const public3 = ["alice/en-base", "alice/zh-chat", "bob/sentiment-gguf"];
      assert.deepEqual(await ids("sort=downloads"), ["alice/en-base", "alice/zh-chat", "bob/sentiment-gguf"]);
      assert.deepEqual(await ids("sort=downloadsAllTime"), ["alice/en-base", "alice/zh-chat", "bob/sentiment-gguf"]);
      assert.deepEqual(await ids("sort=likes"), ["alice/zh-chat", "alice/en-base", "bob/sentiment-gguf"]);
      // Trending: a like today weighs ten downloads of today: zh-chat 2 likes + 1 download beats en-base 1 + 3.
      assert.deepEqual(await ids("sort=trendingScore"), ["alice/zh-chat", "alice/en-base", "bob/sentiment-gguf"]);
      assert.deepEqual(await ids("sort=createdAt"), [...public3].reverse());
      assert.deepEqual(await ids("sort=createdAt&direction=1"), public3);
      assert.deepEqual(await ids("sort=likes&direction=1"), ["bob/sentiment-gguf", "alice/en-base", "alice/zh-chat"]);
      // lastModified follows the commits; the listing agrees with each item's own value.
      const byModified = await list("sort=lastModified");
      const times = byModified.map((m) => Date.parse(m.lastModified as string));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      const items = await list("sort=trendingScore");
      assert.deepEqual(items.map((m) => [m.likes, m.downloads, m.downloadsAllTime, m.trendingScore]), [
        [2, 1, 1, 2 * 70 + 7],
        [1, 3, 3, 70 + 3 * 7],
        [0, 0, 0, 0],
      ]);
    });

    test("keyset pages carry the sort and filters: every page is the next slice", async () => {
      const first = await fetch(`${hub.url}/api/models?sort=downloads&limit=1`);
      const page1 = (await first.json()) as { id: string }[];
      const next = linkNext.exec(first.headers.get("link") ?? "")?.[1];
      assert.ok(next);
      const second = await fetch(next);
      const page2 = (await second.json()) as { id: string }[];
      assert.deepEqual([...page1, ...page2].map((m) => m.id), ["alice/en-base", "alice/zh-chat"]);
      // A cursor made for one sort is refused under another.
      const cursor = new URL(next).searchParams.get("cursor")!;
      const wrong = await fetch(`${hub.url}/api/models?sort=likes&cursor=${cursor}`);
      assert.equal(wrong.status, 400);
    });

    test("@huggingface/hub listModels searches and filters", async () => {
      const zh = await all(listModels({ search: { query: "翻译" }, hubUrl: hub.url }));
      assert.deepEqual(zh.map((m) => m.name), ["alice/zh-chat"]);
      const base = await all(listModels({ search: { tags: ["base_model:alice/en-base"], task: "text-generation" }, hubUrl: hub.url }));
      assert.deepEqual(base.map((m) => m.name), ["alice/zh-chat"]);
      const trending = await all(listModels({ search: { owner: "alice" }, sort: "trendingScore", hubUrl: hub.url }));
      assert.deepEqual(trending.map((m) => [m.name, m.likes]), [["alice/zh-chat", 2], ["alice/en-base", 1]]);
      const mine = await all(listModels({ search: { query: "中文" }, hubUrl: hub.url, accessToken: tokens.bob }));
      assert.deepEqual(mine.map((m) => m.name).sort(), ["alice/zh-chat", "bob/private-zh"]);
    });

    test("a renamed repo is searched under its new name only", async () => {
      await createRepo(hub, tokens.carol!, "zebra-notes");
      assert.deepEqual(await sorted("search=zebra"), ["carol/zebra-notes"]);
      const res = await fetch(`${hub.url}/api/repos/move`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.carol}`, "content-type": "application/json" },
        body: JSON.stringify({ fromRepo: "carol/zebra-notes", toRepo: "carol/okapi-notes", type: "model" }),
      });
      assert.equal(res.status, 200, await res.text());
      // "zebra" was only a word of the old name: neither the id nor the document has it now.
      assert.deepEqual(await sorted("search=zebra"), []);
      assert.deepEqual(await sorted("search=okapi%20notes"), ["carol/okapi-notes"]);
    });
  });
}

describeSearch("sqlite");
describeSearch("postgres");

test("repos indexed before the search index existed are found after the next start", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "modelport-search-upgrade-"));
  const start = async () => {
    const hub = await buildHub(configWith({ dataDir, logLevel: "warn", host: "127.0.0.1", port: 0 }));
    await hub.app.listen({ host: "127.0.0.1", port: 0 });
    const address = hub.app.server.address();
    if (!address || typeof address === "string") throw new Error("no TCP address");
    return { hub, url: `http://127.0.0.1:${address.port}` };
  };
  try {
    // 1. A repo whose README says "platypus", indexed as usual.
    const first = await start();
    await first.hub.services.accounts.createUser({ name: "old" });
    const { token } = await first.hub.services.accounts.createToken("old", { role: "write" });
    await createRepo({ url: first.url } as TestHub, token, "legacy");
    await uploadFiles({ repo: "old/legacy", accessToken: token, hubUrl: first.url, files: [{ path: "README.md", content: new Blob(["# Legacy\n\nA platypus classifier.\n"]) }] });
    await first.hub.close();

    // 2. The database as it was before: no search documents, rows written by an older indexer.
    const db = await openDb({ databaseUrl: "", dataDir });
    await sql`delete from repo_search`.execute(db.kysely);
    await db.kysely.updateTable("repos").set({ index_version: 0 }).execute();
    await db.close();

    // 3. The next start re-indexes it in the background; its prose is found again.
    const second = await start();
    try {
      let found: unknown[] = [];
      for (let i = 0; i < 100 && found.length === 0; i++) {
        found = (await (await fetch(`${second.url}/api/models?search=platypus`)).json()) as unknown[];
        if (found.length === 0) await sleep(100);
      }
      assert.deepEqual(found.map((m) => (m as { id: string }).id), ["old/legacy"]);
    } finally {
      await second.hub.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
