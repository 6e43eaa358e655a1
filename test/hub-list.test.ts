import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listDatasets, listModels, listSpaces, type RepoDesignation, uploadFiles } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";
import { all } from "./support/collect.js";

/** A README.md with YAML front matter. */
const card = (frontMatter: string) => `---\n${frontMatter}\n---\n\nA test card.\n`;

const names = (entries: { name: string }[]) => entries.map((e) => e.name).sort();

/** Exactly the shape @huggingface/hub's parser accepts (`HJ:utils/parseLinkHeader.ts`). */
const linkNext = /^<(https?:\/\/[^>]+)>; rel="next"$/;

/** GETs a listing URL and every page its `Link` headers lead to; returns the pages. */
async function fetchPages(url: string, token?: string): Promise<{ items: Record<string, unknown>[]; link: string | null }[]> {
  const pages = [];
  for (let next: string | undefined = url; next; ) {
    const res: Response = await fetch(next, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    assert.equal(res.status, 200, `${next}: ${res.status}`);
    const link = res.headers.get("link");
    pages.push({ items: (await res.json()) as Record<string, unknown>[], link });
    next = link ? linkNext.exec(link)?.[1] : undefined;
    assert.ok(!link || next, `malformed Link header: ${link}`);
  }
  return pages;
}

/**
 * Listings (hf-hub-protocol.md §4.6, §11(c)) through the official
 * @huggingface/hub client, on a hub whose page size is 2 so that every listing
 * here spans several pages. The same suite runs on SQLite and PostgreSQL.
 */
function describeListing(backend: "sqlite" | "postgres"): void {
  describe(`repo listings (${backend})`, () => {
    let hub: TestHub;
    let drop: (() => Promise<void>) | undefined;
    let alice: string;
    let bob: string;
    let root: string;

    before(async () => {
      let databaseUrl = "";
      if (backend === "postgres") {
        const pg = await freshPostgresDatabase();
        databaseUrl = pg.url;
        drop = pg.drop;
      }
      hub = await startHub({ databaseUrl, listMaxLimit: 2 });
      alice = await hub.user("alice");
      bob = await hub.user("bob");
      root = await hub.user("root", { admin: true });

      await Promise.all([
        // One after the other: the sort test relies on their creation order.
        (async () => {
          await createRepo(hub, alice, "llama-chat");
          await createRepo(hub, alice, "bert-fr");
          await createRepo(hub, alice, "secret-llama", { private: true });
          await createRepo(hub, alice, "plain");
        })(),
        createRepo(hub, bob, "Llama-Tiny"),
        createRepo(hub, bob, "hidden", { private: true }),
        createRepo(hub, alice, "corpus", { type: "dataset" }),
        createRepo(hub, bob, "secret-data", { type: "dataset", private: true }),
        createRepo(hub, alice, "demo", { type: "space" }),
        createRepo(hub, bob, "app", { type: "space" }),
      ]);

      // Card metadata arrives the way it does in real use: a README.md committed by a client.
      const commit = (token: string, repo: RepoDesignation, files: Record<string, string>) =>
        uploadFiles({
          repo,
          accessToken: token,
          hubUrl: hub.url,
          files: Object.entries(files).map(([path, text]) => ({ path, content: new Blob([text]) })),
        });
      await Promise.all([
        commit(alice, "alice/llama-chat", {
          "README.md": card("pipeline_tag: text-generation\nlibrary_name: transformers\ntags: [chat]\nlicense: mit\nlanguage: [en]"),
          "config.json": JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: 64 }),
        }),
        commit(alice, "alice/bert-fr", {
          "README.md": card("pipeline_tag: fill-mask\nlibrary_name: transformers\nlicense: apache-2.0\nlanguage: fr"),
        }),
        commit(bob, "bob/Llama-Tiny", {
          "README.md": card("pipeline_tag: text-generation\nlibrary_name: gguf\ntags: [chat]\nlicense: mit"),
        }),
        commit(alice, { type: "dataset", name: "alice/corpus" }, {
          "README.md": card("task_categories: [text-classification]\nlanguage: [en]\nlicense: cc-by-4.0"),
        }),
        commit(alice, { type: "space", name: "alice/demo" }, { "README.md": card("sdk: gradio\ntitle: Demo") }),
      ]);
      const gate = await fetch(`${hub.url}/api/models/alice/bert-fr/settings`, {
        method: "PUT",
        headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
        body: JSON.stringify({ gated: "manual" }),
      });
      assert.equal(gate.status, 200);
    });
    after(async () => {
      await hub.close();
      await drop?.();
    });

    test("listModels search matches a case-insensitive substring of the repo id", async () => {
      const found = await all(listModels({ search: { query: "LLAMA" }, hubUrl: hub.url }));
      assert.deepEqual(names(found), ["alice/llama-chat", "bob/Llama-Tiny"]);
    });

    test("listModels owner lists one namespace, without its private repos for anonymous callers", async () => {
      const found = await all(listModels({ search: { owner: "alice" }, hubUrl: hub.url }));
      assert.deepEqual(names(found), ["alice/bert-fr", "alice/llama-chat", "alice/plain"]);
    });

    test("listModels task filters on the card's pipeline tag and reports it", async () => {
      const found = await all(listModels({ search: { task: "text-generation" }, hubUrl: hub.url }));
      assert.deepEqual(names(found), ["alice/llama-chat", "bob/Llama-Tiny"]);
      assert.ok(found.every((m) => m.task === "text-generation"));
    });

    test("listModels tags must all match, bare or in key:value form", async () => {
      const both = await all(listModels({ search: { tags: ["chat", "license:mit"] }, hubUrl: hub.url }));
      assert.deepEqual(names(both), ["alice/llama-chat", "bob/Llama-Tiny"]);
      const one = await all(listModels({ search: { tags: ["chat", "library:transformers", "language:en"] }, hubUrl: hub.url }));
      assert.deepEqual(names(one), ["alice/llama-chat"]);
      const none = await all(listModels({ search: { tags: ["chat", "fill-mask"] }, hubUrl: hub.url }));
      assert.deepEqual(none, []);
    });

    test("listModels follows Link pages past the first and stops at its limit", async () => {
      const urls: string[] = [];
      const spy: typeof fetch = (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      };
      const everything = await all(listModels({ hubUrl: hub.url, fetch: spy }));
      assert.deepEqual(names(everything), ["alice/bert-fr", "alice/llama-chat", "alice/plain", "bob/Llama-Tiny"]);
      assert.equal(urls.length, 2, "4 models in pages of 2");
      assert.ok(urls.slice(1).every((u) => u.startsWith(`${hub.url}/api/models?`) && new URL(u).searchParams.has("cursor")));
      assert.equal(new Set(everything.map((m) => m.id)).size, 4, "no repo twice");

      urls.length = 0;
      const three = await all(listModels({ hubUrl: hub.url, limit: 3, fetch: spy }));
      assert.equal(three.length, 3);
      assert.equal(urls.length, 2);
    });

    test("the Link header is absolute, well-formed and keeps every other query parameter", async () => {
      const url = `${hub.url}/api/models?author=alice&sort=id&direction=1&limit=1&expand%5B%5D=likes&expand=downloads&filter=transformers&apps=x`;
      const pages = await fetchPages(url);
      assert.deepEqual(pages.flatMap((p) => p.items.map((i) => i.id)), ["alice/bert-fr", "alice/llama-chat"]);
      const link = pages[0]!.link!;
      const next = new URL(linkNext.exec(link)![1]!);
      assert.equal(`${next.protocol}//${next.host}`, hub.url);
      assert.equal(next.pathname, "/api/models");
      const params = next.searchParams;
      assert.deepEqual(
        [params.get("author"), params.get("sort"), params.get("direction"), params.get("limit"), params.getAll("expand[]"), params.getAll("expand"), params.get("filter"), params.get("apps")],
        ["alice", "id", "1", "1", ["likes"], ["downloads"], "transformers", "x"],
      );
      assert.ok(params.get("cursor"));
      assert.equal(pages.at(-1)!.link, null, "no Link on the last page");
      // expand narrows each item to the listed fields plus _id and id.
      assert.deepEqual(Object.keys(pages[0]!.items[0]!).sort(), ["_id", "downloads", "id", "likes"]);
    });

    test("private repos are listed to their owner and admins, never to anonymous callers or other users", async () => {
      const asAnonymous = await all(listModels({ search: { owner: "bob" }, hubUrl: hub.url }));
      const asAlice = await all(listModels({ search: { owner: "bob" }, hubUrl: hub.url, accessToken: alice }));
      const asBob = await all(listModels({ search: { owner: "bob" }, hubUrl: hub.url, accessToken: bob }));
      const asRoot = await all(listModels({ search: { owner: "bob" }, hubUrl: hub.url, accessToken: root }));
      assert.deepEqual(names(asAnonymous), ["bob/Llama-Tiny"]);
      assert.deepEqual(names(asAlice), ["bob/Llama-Tiny"]);
      assert.deepEqual(names(asBob), ["bob/Llama-Tiny", "bob/hidden"]);
      assert.deepEqual(names(asRoot), ["bob/Llama-Tiny", "bob/hidden"]);
      assert.equal(asBob.find((m) => m.name === "bob/hidden")?.private, true);
      const datasets = await all(listDatasets({ hubUrl: hub.url, accessToken: alice }));
      assert.deepEqual(names(datasets), ["alice/corpus"]);
    });

    test("sort orders descending by default and ascending with direction=1, across pages", async () => {
      const ids = async (query: string) =>
        (await fetchPages(`${hub.url}/api/models?author=alice&${query}`, alice)).flatMap((p) => p.items.map((i) => i.id as string));
      const newestFirst = await ids("sort=createdAt");
      assert.deepEqual(newestFirst, ["alice/plain", "alice/secret-llama", "alice/bert-fr", "alice/llama-chat"]);
      assert.deepEqual(await ids("sort=createdAt&direction=1"), [...newestFirst].reverse());
      assert.deepEqual(await ids("sort=id&direction=1"), [...newestFirst].sort());
      // Ids sort byte by byte on both databases: capitals first, whatever the server's locale.
      const bobs = (await fetchPages(`${hub.url}/api/models?author=bob&sort=id&direction=1`, bob)).flatMap((p) => p.items.map((i) => i.id));
      assert.deepEqual(bobs, ["bob/Llama-Tiny", "bob/hidden"]);
      const byUpdate = await ids("sort=lastModified");
      // Committing a card modifies a repo: the two with cards were modified last.
      assert.deepEqual(byUpdate.slice(0, 2).sort(), ["alice/bert-fr", "alice/llama-chat"]);
    });

    test("gated=true lists gated repos only, gated=false the others", async () => {
      const gated = (await fetchPages(`${hub.url}/api/models?gated=true`)).flatMap((p) => p.items);
      assert.deepEqual(gated.map((i) => [i.id, i.gated]), [["alice/bert-fr", "manual"]]);
      const open = (await fetchPages(`${hub.url}/api/models?gated=false&author=alice`)).flatMap((p) => p.items.map((i) => i.id));
      assert.ok(!open.includes("alice/bert-fr") && open.includes("alice/llama-chat"));
    });

    test("full adds siblings, cardData and config add the card and the model's config", async () => {
      // The full id: "llama-chat" alone also finds bob/Llama-Tiny by the words of its name and tags (full text).
      const [item] = (await fetchPages(`${hub.url}/api/models?search=alice/llama-chat&full=true&cardData=true&config=true`)).flatMap((p) => p.items);
      assert.deepEqual(item!.siblings, [{ rfilename: ".gitattributes" }, { rfilename: "README.md" }, { rfilename: "config.json" }]);
      assert.deepEqual(item!.config, { architectures: ["LlamaForCausalLM"], model_type: "llama" });
      assert.equal((item!.cardData as Record<string, unknown>).library_name, "transformers");
      assert.equal(item!.pipeline_tag, "text-generation");
      assert.match(item!.sha as string, /^[0-9a-f]{40}$/);
      assert.match(item!.lastModified as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // Through the client: filePaths is @huggingface/hub's name for siblings.
      const [viaClient] = await all(
        listModels({ search: { query: "alice/llama-chat" }, additionalFields: ["filePaths", "cardData", "tags"], hubUrl: hub.url }),
      );
      assert.deepEqual(viaClient!.filePaths, [".gitattributes", "README.md", "config.json"]);
      assert.ok(viaClient!.tags?.includes("chat"));
    });

    test("listDatasets filters on the Hub's key:value tags, and language= is the same filter", async () => {
      const found = await all(listDatasets({ search: { tags: ["task_categories:text-classification"] }, hubUrl: hub.url }));
      assert.deepEqual(names(found), ["alice/corpus"]);
      const english = (await fetchPages(`${hub.url}/api/datasets?language=en`)).flatMap((p) => p.items.map((i) => i.id));
      assert.deepEqual(english, ["alice/corpus"]);
    });

    test("listSpaces lists spaces with the SDK from their card", async () => {
      const found = await all(listSpaces({ hubUrl: hub.url }));
      assert.deepEqual(
        found.map((s) => [s.name, s.sdk]).sort(),
        [["alice/demo", "gradio"], ["bob/app", undefined]],
      );
    });

    test("bad parameters are a 400, never a silently different listing", async () => {
      const bad = [
        "expand=bogus",
        "sort=num_parameters",
        "limit=0",
        "limit=ten",
        "direction=2",
        "cursor=not-a-cursor",
        "full=maybe",
      ];
      for (const query of bad) {
        const res = await fetch(`${hub.url}/api/models?${query}`);
        assert.equal(res.status, 400, query);
        assert.ok(res.headers.get("x-error-message"), query);
      }
      // A cursor made for one sort is refused under another.
      const first = await fetch(`${hub.url}/api/models?sort=id`);
      const cursor = new URL(linkNext.exec(first.headers.get("link")!)![1]!).searchParams.get("cursor")!;
      const res = await fetch(`${hub.url}/api/models?sort=likes&cursor=${encodeURIComponent(cursor)}`);
      assert.equal(res.status, 400);
    });
  });
}

describeListing("sqlite");
describeListing("postgres");
